namespace Declarative;

/// <summary>Marks a property of a <see cref="SignatureAttribute"/> type as an input field.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public InputAttribute()
    {
    }

    /// <summary>Creates the attribute with a description shown to the model.</summary>
    /// <param name="description">What the field holds.</param>
    public InputAttribute(string description) => Description = description;

    /// <summary>What the field holds, shown to the model; <see langword="null"/> for none.</summary>
    public string? Description { get; set; }

    /// <summary>The field's name in prompts; defaults to the snake_case form of the property name.</summary>
    public string? Name { get; set; }

    /// <summary>The field's prefix (kept for DSPy program files); defaults to the title-cased name and a colon.</summary>
    public string? Prefix { get; set; }
}
