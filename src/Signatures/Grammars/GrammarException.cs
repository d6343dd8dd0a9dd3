namespace Declarative.Grammars;

/// <summary>A grammar cannot be built or used: the message says what and where.</summary>
public sealed class GrammarException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public GrammarException(string message)
        : base(message)
    {
    }
}
