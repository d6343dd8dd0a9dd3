namespace Declarative.Tools;

/// <summary>
/// A trace sink that also receives tool decisions. When <see cref="RunContext.Trace"/> implements it, agents record
/// every <see cref="ToolDecision"/> there, refused calls included; <see cref="Tracing.TraceRecorder"/> does.
/// </summary>
public interface IToolTraceSink
{
    /// <summary>Records one decision. Must be thread-safe.</summary>
    /// <param name="decision">The decision.</param>
    void RecordTool(ToolDecision decision);
}
