namespace Declarative.Runtime.OpenAI;

/// <summary>
/// A reply broke constraints that OpenAI's strict mode could not enforce (they were moved into descriptions and checked
/// after the reply: lengths, ranges, patterns, formats, item counts). When the request came from an adapter this is the
/// inner exception of an <see cref="AdapterParseException"/>, so the reply takes the same path as any unparseable one.
/// </summary>
public sealed class SchemaConstraintException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="rawCompletion">The reply, unchanged.</param>
    /// <param name="violations">What was broken, one "<c>$.path: what</c>" line each.</param>
    public SchemaConstraintException(string rawCompletion, IReadOnlyList<string> violations)
        : base("The reply breaks constraints of its JSON schema that strict mode could not enforce: " + string.Join("; ", violations) + ".")
    {
        RawCompletion = rawCompletion;
        Violations = violations;
    }

    /// <summary>The reply, unchanged.</summary>
    public string RawCompletion { get; }

    /// <summary>What was broken, one "<c>$.path: what</c>" line each.</summary>
    public IReadOnlyList<string> Violations { get; }
}
