namespace Declarative.Tracing;

/// <summary>Receives each predictor call of a run (optimizers collect demonstrations from it). Implementations must be thread-safe.</summary>
public interface ITraceSink
{
    /// <summary>Records one call.</summary>
    /// <param name="entry">The call.</param>
    void Record(TraceEntry entry);
}
