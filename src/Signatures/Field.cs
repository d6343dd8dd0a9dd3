namespace Declarative;

/// <summary>One input or output field of a <see cref="Signature"/>. Fields are immutable values.</summary>
public sealed record Field
{
    /// <summary>Creates a field.</summary>
    /// <param name="name">The name used in prompts (snake_case by convention).</param>
    /// <param name="role">Input or output.</param>
    /// <param name="shape">The value's shape; <see langword="null"/> for text.</param>
    /// <exception cref="SignatureException">The name is not a valid identifier.</exception>
    public Field(string name, FieldRole role, TypeShape? shape = null)
    {
        if (!Naming.IsValidFieldName(name))
        {
            throw new SignatureException(
                $"'{name}' is not a valid field name: use letters, digits and underscores, starting with a letter.");
        }

        Name = name;
        Role = role;
        Shape = shape ?? TypeShape.String;
    }

    /// <summary>The name used in prompts and program files.</summary>
    public string Name { get; }

    /// <summary>Input or output.</summary>
    public FieldRole Role { get; }

    /// <summary>The value's shape.</summary>
    public TypeShape Shape { get; init; }

    /// <summary>What the field holds, shown to the model; <see langword="null"/> for none.</summary>
    public string? Description { get; init; }

    /// <summary>The field's constraints.</summary>
    public FieldConstraints Constraints { get; init; } = FieldConstraints.None;

    /// <summary>The prefix kept in DSPy program files; defaults to DSPy's inferred prefix (<c>Question Text:</c>).</summary>
    public string Prefix
    {
        get => prefix ??= Naming.InferPrefix(Name);
        init => prefix = value;
    }

    /// <summary>
    /// Whether the input's value comes from an untrusted source (default <see langword="false"/>): modules name such
    /// inputs under <c>OptionKeys.UntrustedFields</c> in every request, where the guard middleware spotlights them.
    /// Declared with <c>[Input(Untrusted = true)]</c>, or on any signature with
    /// <c>signature.WithField("document", f =&gt; f with { Untrusted = true })</c>.
    /// </summary>
    /// <exception cref="SignatureException">Set on an output field: only inputs carry outside data.</exception>
    public bool Untrusted
    {
        get => untrusted;
        init
        {
            if (value && Role != FieldRole.Input)
            {
                throw new SignatureException(
                    $"Output field '{Name}' cannot be marked untrusted: only inputs carry outside data. Mark the input the data arrives in instead.");
            }

            untrusted = value;
        }
    }

    /// <summary>The C# member the field binds to on a typed signature; <see langword="null"/> for string signatures.</summary>
    public string? MemberName { get; init; }

    /// <summary>Whether this is an input field.</summary>
    public bool IsInput => Role == FieldRole.Input;

    /// <summary>Whether this is an output field.</summary>
    public bool IsOutput => Role == FieldRole.Output;

    private string? prefix;
    private bool untrusted;

    /// <inheritdoc />
    public bool Equals(Field? other) =>
        other is not null && Name == other.Name && Role == other.Role && Shape.Equals(other.Shape)
        && Description == other.Description && Constraints.Equals(other.Constraints) && Prefix == other.Prefix
        && Untrusted == other.Untrusted;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Role, Shape, Description);
}
