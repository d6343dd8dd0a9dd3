namespace Declarative;

/// <summary>A signature is malformed: a duplicate or invalid field name, an empty side, an unknown type.</summary>
public sealed class SignatureException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public SignatureException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public SignatureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
