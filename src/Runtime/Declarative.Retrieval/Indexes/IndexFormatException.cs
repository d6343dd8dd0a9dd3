namespace Declarative.Retrieval;

/// <summary>A saved index could not be loaded: not an index file, another kind or version, or damaged. The message says which.</summary>
public sealed class IndexFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do (usually: rebuild the index, or load it with the right type).</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public IndexFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
