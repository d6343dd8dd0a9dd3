namespace Declarative.Optimizers;

/// <summary>An optimizer could not compile a program: too many examples failed, or the program's predictors cannot be told apart.</summary>
public sealed class OptimizationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OptimizationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public OptimizationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The last error, when examples failed.</param>
    public OptimizationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
