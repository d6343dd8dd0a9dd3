namespace Declarative.Optimizers;

/// <summary>
/// A run's journal (checkpoint) file cannot be used: it belongs to a different run (another optimizer, options, seed,
/// dataset or program), it exists and resuming was not asked for, or it is corrupt. The message names the file and
/// the fix.
/// </summary>
public sealed class OptimizationJournalException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OptimizationJournalException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public OptimizationJournalException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The parse error, for a corrupt journal.</param>
    public OptimizationJournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a journal file.</summary>
    /// <param name="path">The journal file.</param>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The parse error, if any.</param>
    public OptimizationJournalException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The journal file, when the error concerns one.</summary>
    public string? Path { get; }
}
