namespace Declarative.Guards;

/// <summary>How untrusted text is marked in the prompt (spotlighting, Hines et al. 2024).</summary>
public enum SpotlightMode
{
    /// <summary>Wrapped between per-request random markers <c>&lt;&lt;untrusted:id&gt;&gt;</c> … <c>&lt;&lt;/untrusted:id&gt;&gt;</c>.</summary>
    Delimit,

    /// <summary>Delimited as with <see cref="Delimit"/>, and every space inside is replaced by <c>ˆ</c> (U+02C6) so the model can tell data from instructions word by word; no word is removed.</summary>
    Datamark,
}
