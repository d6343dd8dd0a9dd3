using System.Globalization;
using Declarative.Tools;
using Declarative.Tracing;
using Microsoft.Extensions.Logging;

namespace Declarative;

/// <summary>
/// The attempt loop <see cref="BestOfN{TModule}"/> and <see cref="Refine{TModule}"/> share: up to N runs of a fresh
/// copy of the module, each with its own rollout id and temperature 1.0, scored by the reward; the first run meeting
/// the threshold wins, otherwise the best. Only the winner's predictor calls reach the caller's trace (as DSPy); tool
/// decisions of every attempt do, as they happen, since a tool may have acted on the world in a losing attempt too.
/// </summary>
internal static class Rollouts
{
    /// <summary>What one attempt produced, for the hook that runs after an attempt below the threshold.</summary>
    public sealed record Miss(int Attempt, Module Copy, IReadOnlyList<TraceEntry> Trace, Prediction Prediction, double Reward);

    public static async Task<Prediction> RunAsync<TModule>(
        string kind,
        TModule module,
        RolloutOptions options,
        IReadOnlyDictionary<string, object?> inputs,
        RunContext context,
        CallSettings? settings,
        Action<TModule, int>? prepare,
        Func<Miss, CancellationToken, Task>? afterMiss,
        CancellationToken cancellationToken)
        where TModule : Module, IInvokableModule
    {
        var baseRollout = settings?.RolloutId ?? context.Defaults?.RolloutId;
        Prediction? best = null;
        AttemptTrace? bestTrace = null;
        var bestReward = double.NegativeInfinity;
        var errors = new List<Exception>();
        for (var attempt = 0; attempt < options.N; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var copy = (TModule)module.Clone();
            prepare?.Invoke(copy, attempt);
            var trace = new AttemptTrace(context.Trace as IToolTraceSink);
            var attemptContext = context.WithTrace(trace);
            var attemptSettings = (settings ?? new CallSettings()) with { Temperature = 1.0f, RolloutId = RolloutId(baseRollout, attempt) };
            try
            {
                var prediction = await copy.InvokeAsync(inputs, attemptContext, attemptSettings, cancellationToken).ConfigureAwait(false);
                var reward = options.Reward(inputs, prediction);
                if (reward > bestReward || best is null)
                {
                    (best, bestTrace, bestReward) = (prediction, trace, reward);
                }

                if (reward >= options.Threshold || attempt == options.N - 1)
                {
                    break;
                }

                if (afterMiss is not null)
                {
                    await afterMiss(new Miss(attempt, copy, trace.Entries, prediction, reward), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                errors.Add(ex);
                context.Logger.LogWarning(ex, "{Kind}: attempt {Attempt} (rollout {Rollout}) failed.", kind, attempt + 1, attemptSettings.RolloutId);
                if (errors.Count > options.FailCount)
                {
                    throw;
                }
            }
        }

        if (best is null)
        {
            throw new AttemptsFailedException(errors);
        }

        if (context.Trace is { } sink && bestTrace is not null)
        {
            foreach (var entry in bestTrace.Entries)
            {
                sink.Record(WithoutHint(entry));
            }
        }

        return best;
    }

    /// <summary>Keeps an attempt's predictor calls until the winner is known; passes tool decisions straight on.</summary>
    private sealed class AttemptTrace(IToolTraceSink? outer) : ITraceSink, IToolTraceSink
    {
        private readonly TraceRecorder entries = new();

        public IReadOnlyList<TraceEntry> Entries => entries.Entries;

        public void Record(TraceEntry entry) => entries.Record(entry);

        public void RecordTool(ToolDecision decision) => outer?.RecordTool(decision);
    }

    /// <summary>
    /// The entry as the predictor's own signature would have produced it: Refine's <c>hint_</c> input is removed, so
    /// demonstrations bootstrapped from the trace fit the predictor (DSPy leaves it in, with a TODO to remove it).
    /// </summary>
    private static TraceEntry WithoutHint(TraceEntry entry) =>
        entry.Signature.TryGetField(Predict.HintField, out _)
            ? entry with
            {
                Signature = entry.Signature.Delete(Predict.HintField),
                Inputs = entry.Inputs.Where(i => i.Key != Predict.HintField).ToDictionary(i => i.Key, i => i.Value),
            }
            : entry;

    /// <summary>DSPy counts rollout ids up from the LM's (0 by default); a non-numeric id gets a suffix.</summary>
    internal static string RolloutId(string? baseRollout, int attempt) =>
        baseRollout is null ? attempt.ToString(CultureInfo.InvariantCulture)
        : long.TryParse(baseRollout, NumberStyles.Integer, CultureInfo.InvariantCulture, out var start) ? (start + attempt).ToString(CultureInfo.InvariantCulture)
        : $"{baseRollout}-{attempt}";
}
