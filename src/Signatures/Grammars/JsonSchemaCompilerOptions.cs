namespace Declarative.Grammars;

/// <summary>Options of <see cref="JsonSchemaCompiler"/>; the defaults are strict and compact.</summary>
public sealed class JsonSchemaCompilerOptions
{
    /// <summary>The defaults.</summary>
    public static JsonSchemaCompilerOptions Default { get; } = new();

    /// <summary>
    /// When <see langword="false"/> (the default) a keyword the compiler cannot enforce fails the compilation with a
    /// <see cref="JsonSchemaCompileException"/>; when <see langword="true"/> it is ignored and reported in
    /// <see cref="JsonSchemaCompilation.Warnings"/>, so the grammar may accept documents the schema rejects.
    /// </summary>
    public bool Lenient { get; init; }

    /// <summary>
    /// When <see langword="true"/>, <c>format</c> is an annotation (as draft 2020-12 specifies by default) and is not
    /// enforced; when <see langword="false"/> (the default, right for generation) the formats date, time, date-time,
    /// uuid, email, uri, ipv4 and ipv6 are enforced and other formats are reported.
    /// </summary>
    public bool FormatAsAnnotation { get; init; }

    /// <summary>How many whitespace characters may stand between tokens; 0 (the default) for compact JSON.</summary>
    public int MaxWhitespace { get; init; }

    /// <summary>
    /// Whether values are limited to what .NET's types hold: numbers without bounds have integers of at most 18 digits
    /// (always within <see cref="long"/>) and exponents of at most 2 digits (always a finite <see cref="double"/>), and
    /// a <c>date-time</c> has an offset within ±14:00 and at most 7 fraction digits (a <see cref="DateTimeOffset"/>).
    /// JSON Schema itself has no such limits, so this is off by default; the grammars of signatures, whose values are
    /// parsed into .NET types, turn it on.
    /// </summary>
    public bool DotNetValues { get; init; }

    /// <summary>How deep schemas may be inlined through <c>$ref</c> inside <c>allOf</c> and siblings (default 24).</summary>
    public int MaxInlineDepth { get; init; } = 24;
}

/// <summary>The result of compiling a JSON Schema.</summary>
/// <param name="Grammar">The grammar of the documents the schema accepts.</param>
/// <param name="Warnings">Keywords ignored under <see cref="JsonSchemaCompilerOptions.Lenient"/>, each with its pointer.</param>
public sealed record JsonSchemaCompilation(Grammar Grammar, IReadOnlyList<string> Warnings);
