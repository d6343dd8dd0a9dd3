namespace Declarative.Grammars;

/// <summary>A JSON Schema uses a keyword or value the grammar compiler cannot enforce; names the keyword and its JSON pointer.</summary>
public sealed class JsonSchemaCompileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="pointer">The JSON pointer of the schema holding the keyword (<c>#/properties/a</c>).</param>
    /// <param name="keyword">The keyword.</param>
    /// <param name="reason">Why it cannot be enforced.</param>
    public JsonSchemaCompileException(string pointer, string keyword, string reason)
        : base($"{pointer}/{keyword}: {reason}")
    {
        Pointer = pointer;
        Keyword = keyword;
        Reason = reason;
    }

    /// <summary>The JSON pointer of the schema holding the keyword.</summary>
    public string Pointer { get; }

    /// <summary>The keyword.</summary>
    public string Keyword { get; }

    /// <summary>Why it cannot be enforced.</summary>
    public string Reason { get; }
}
