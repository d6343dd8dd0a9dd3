namespace Declarative;

/// <summary>
/// What a language-model call takes and produces: ordered input and output <see cref="Field"/>s and the
/// instructions that describe the task. Signatures are immutable values; edits return new signatures.
/// </summary>
/// <remarks>
/// Build one from a <c>[Signature]</c> type with <c>Signature.For&lt;T&gt;()</c>, or from DSPy's string form with
/// <see cref="Parse(string, string?)"/>.
/// </remarks>
public sealed partial class Signature : IEquatable<Signature>
{
    /// <summary>The name DSPy gives signatures built from strings.</summary>
    public const string DefaultName = "StringSignature";

    private readonly Dictionary<string, Field> byName;

    /// <summary>Creates a signature.</summary>
    /// <param name="name">The signature's name.</param>
    /// <param name="fields">The fields; inputs and outputs keep their relative order.</param>
    /// <param name="instructions">The task description; <see langword="null"/> or blank for DSPy's default.</param>
    /// <exception cref="SignatureException">A side is empty, or a field name repeats.</exception>
    public Signature(string name, IEnumerable<Field> fields, string? instructions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(fields);
        Name = name;
        var all = fields.ToArray();
        byName = new Dictionary<string, Field>(all.Length, StringComparer.Ordinal);
        foreach (var field in all)
        {
            ArgumentNullException.ThrowIfNull(field, nameof(fields));
            if (byName.TryGetValue(field.Name, out var existing))
            {
                throw new SignatureException(existing.Role != field.Role
                    ? $"Field '{field.Name}' is declared as both an input and an output; rename one of them."
                    : $"Field '{field.Name}' is declared twice among the {(field.IsInput ? "inputs" : "outputs")}; field names must be unique.");
            }

            byName.Add(field.Name, field);
        }

        InputFields = all.Where(f => f.IsInput).ToArray();
        OutputFields = all.Where(f => f.IsOutput).ToArray();
        if (InputFields.Count == 0)
        {
            throw new SignatureException($"Signature '{name}' has no input fields; declare at least one input (the part before '->').");
        }

        if (OutputFields.Count == 0)
        {
            throw new SignatureException($"Signature '{name}' has no output fields; declare at least one output (the part after '->').");
        }

        Fields = [.. InputFields, .. OutputFields];
        Instructions = instructions is null || string.IsNullOrWhiteSpace(instructions) ? DefaultInstructions(InputFields, OutputFields) : instructions;
    }

    /// <summary>The signature's name (the type name, or <see cref="DefaultName"/>).</summary>
    public string Name { get; }

    /// <summary>The task description shown to the model.</summary>
    public string Instructions { get; }

    /// <summary>The input fields, in order.</summary>
    public IReadOnlyList<Field> InputFields { get; }

    /// <summary>The output fields, in order.</summary>
    public IReadOnlyList<Field> OutputFields { get; }

    /// <summary>All fields: the inputs, then the outputs.</summary>
    public IReadOnlyList<Field> Fields { get; }

    /// <summary>The field with the given name.</summary>
    /// <param name="name">A field name.</param>
    /// <exception cref="KeyNotFoundException">No such field.</exception>
    public Field this[string name] => byName.TryGetValue(name, out var f)
        ? f
        : throw new KeyNotFoundException($"Signature '{Name}' has no field '{name}'; its fields are {string.Join(", ", Fields.Select(x => x.Name))}.");

    /// <summary>Finds a field by name.</summary>
    /// <param name="name">A field name.</param>
    /// <param name="field">The field, when found.</param>
    /// <returns>Whether it was found.</returns>
    public bool TryGetField(string name, out Field field) => byName.TryGetValue(name, out field!);

    /// <summary>DSPy's default instructions: "Given the fields `a`, `b`, produce the fields `c`."</summary>
    /// <param name="inputs">The input fields.</param>
    /// <param name="outputs">The output fields.</param>
    /// <returns>The instructions.</returns>
    public static string DefaultInstructions(IEnumerable<Field> inputs, IEnumerable<Field> outputs) =>
        $"Given the fields {string.Join(", ", inputs.Select(f => $"`{f.Name}`"))}, produce the fields {string.Join(", ", outputs.Select(f => $"`{f.Name}`"))}.";

    /// <inheritdoc />
    public bool Equals(Signature? other) =>
        other is not null && Instructions == other.Instructions && Fields.SequenceEqual(other.Fields);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Signature s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Instructions, Fields.Count, Fields[0].Name);

    /// <summary>The string form: <c>question: str, context: list[str] -> answer: int</c>.</summary>
    /// <returns>The signature as text.</returns>
    public override string ToString() =>
        string.Join(", ", InputFields.Select(f => $"{f.Name}: {f.Shape.DisplayName}"))
        + " -> " + string.Join(", ", OutputFields.Select(f => $"{f.Name}: {f.Shape.DisplayName}"));
}
