using Microsoft.Extensions.Logging;

namespace Declarative.Cli;

/// <summary>Writes warnings and errors from the libraries (or only what is at least <paramref name="minimum"/>) to standard error, one line each, after an optional prefix.</summary>
internal sealed class StderrLogger(TextWriter stderr, LogLevel minimum = LogLevel.Warning, string prefix = "") : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            stderr.WriteLine($"{prefix}{(logLevel >= LogLevel.Error ? "error" : "warning")}: {formatter(state, exception).ReplaceLineEndings(" ")}");
        }
    }
}
