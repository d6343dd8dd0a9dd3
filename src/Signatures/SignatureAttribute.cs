namespace Declarative;

/// <summary>
/// Marks a <c>partial</c> class or record as a signature: its <see cref="InputAttribute"/> properties are
/// what goes in, its <see cref="OutputAttribute"/> properties are what comes out.
/// </summary>
/// <remarks>
/// The instructions come from <see cref="Instructions"/> or, when it is not set, from the type's
/// <see cref="System.ComponentModel.DescriptionAttribute"/>; with neither, DSPy's default
/// ("Given the fields `a`, produce the fields `b`.") is used.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class SignatureAttribute : Attribute
{
    /// <summary>Creates the attribute with no explicit instructions.</summary>
    public SignatureAttribute()
    {
    }

    /// <summary>Creates the attribute with the given instructions.</summary>
    /// <param name="instructions">The task description shown to the model.</param>
    public SignatureAttribute(string instructions) => Instructions = instructions;

    /// <summary>The task description shown to the model; <see langword="null"/> for the default.</summary>
    public string? Instructions { get; set; }

    /// <summary>The signature's name; defaults to the type's name.</summary>
    public string? Name { get; set; }
}
