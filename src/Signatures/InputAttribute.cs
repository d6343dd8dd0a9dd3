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

    /// <summary>
    /// Whether the field's value comes from an untrusted source (a retrieved page, an upload, a tool result, an e-mail):
    /// default <see langword="false"/>. The field is carried as <see cref="Field.Untrusted"/>, and every call a module
    /// makes names it under <c>OptionKeys.UntrustedFields</c> in the request options, so that the guard middleware
    /// (<c>UseGuards</c> in Declarative.Guards) normalizes and spotlights its value and always scans it for injection.
    /// Without that middleware the flag changes nothing in the prompt.
    /// </summary>
    public bool Untrusted { get; set; }
}
