namespace Declarative.Optimizers;

/// <summary>A dataset file could not be read: the message names the file, the line and the fix.</summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="line">The 1-based line, or 0 when the error concerns the whole file.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public DatasetException(string path, int line, string message, Exception? inner = null)
        : base(line > 0 ? $"{path}:{line}: {message}" : $"{path}: {message}", inner)
    {
        Path = path;
        Line = line;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The 1-based line, or 0 when the error concerns the whole file.</summary>
    public int Line { get; }
}
