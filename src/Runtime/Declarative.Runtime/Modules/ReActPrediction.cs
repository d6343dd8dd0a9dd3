using Declarative.Tools;

namespace Declarative;

/// <summary>What a <see cref="ReAct"/> run produced: the extracted outputs, the trajectory and every tool decision.</summary>
public sealed class ReActPrediction : Prediction
{
    internal ReActPrediction(Prediction extracted, IReadOnlyDictionary<string, object?> values, IReadOnlyList<KeyValuePair<string, string>> trajectory, IReadOnlyList<ToolDecision> decisions, int truncatedSteps)
        : base(values, extracted.RawCompletion, extracted.Adapter, extracted.Usage)
    {
        Trajectory = trajectory;
        ToolDecisions = decisions;
        TruncatedSteps = truncatedSteps;
    }

    /// <summary>
    /// The trajectory the extractor saw, in DSPy's keys (<c>thought_0</c>, <c>tool_name_0</c>, <c>tool_args_0</c>,
    /// <c>observation_0</c>, …), without the steps dropped after a context overflow.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Trajectory { get; }

    /// <summary>Every tool call the model asked for and what became of it, refused ones included.</summary>
    public IReadOnlyList<ToolDecision> ToolDecisions { get; }

    /// <summary>How many of the oldest steps were dropped from the trajectory because the context overflowed.</summary>
    public int TruncatedSteps { get; }
}
