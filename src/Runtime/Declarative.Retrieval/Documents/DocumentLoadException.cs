namespace Declarative.Retrieval;

/// <summary>A document could not be loaded; the message names the file and what to check.</summary>
public sealed class DocumentLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    /// <param name="innerException">The underlying error.</param>
    public DocumentLoadException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
