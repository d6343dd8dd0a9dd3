namespace Declarative;

/// <summary>A program state file could not be read or does not fit the program; the program was left unchanged.</summary>
public sealed class ProgramStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public ProgramStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ProgramStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
