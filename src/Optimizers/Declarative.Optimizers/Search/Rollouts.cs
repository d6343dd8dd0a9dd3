using System.Text.Json.Nodes;
using Declarative.Pipeline;
using Declarative.Tracing;

namespace Declarative.Optimizers;

/// <summary>
/// Runs a program over examples in parallel and scores each run, optionally recording the predictor calls; and turns
/// the results into journal JSON and back. Failures score 0 and keep their error; a spent budget and cancellation stop
/// the whole evaluation, as in <see cref="Evaluator"/>.
/// </summary>
internal static class Rollouts
{
    /// <summary>Runs and scores <paramref name="program"/> on each example.</summary>
    public static async Task<Rollout[]> RunAsync<TProgram>(
        TProgram program,
        IReadOnlyList<Example> examples,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        Metric metric,
        int maxParallelism,
        bool traced,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        var names = traced ? TracedNames(program.NamedPredictors()) : null;
        var results = new Rollout[examples.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, examples.Count), parallel, async (index, ct) =>
        {
            var recorder = traced ? new TraceRecorder() : null;
            var exampleContext = recorder is null ? context : context.WithTrace(recorder);
            Prediction? prediction = null;
            double score = 0;
            string? feedback = null;
            string? error = null;
            try
            {
                prediction = await run(program, examples[index], exampleContext, ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("The program returned no prediction.");
                var result = await metric(examples[index], prediction, ct).ConfigureAwait(false);
                score = result.Score;
                feedback = result.Feedback;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (BudgetExceededException)
            {
                throw;
            }
            catch (Exception ex)
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
            }

            var calls = recorder?.Entries
                .Where(e => names!.ContainsKey(e.Predictor))
                .Select(e => new TracedCall(names![e.Predictor], e.Inputs, e.Outputs))
                .ToArray() ?? [];
            results[index] = new Rollout(index, score, feedback, error, prediction?.Values ?? new Dictionary<string, object?>(), calls);
        }).ConfigureAwait(false);
        return results;
    }

    /// <summary>The average score in percent, rounded to two decimals as <see cref="EvaluationResult.Score"/>.</summary>
    public static double Percent(IEnumerable<double> scores)
    {
        var list = scores as IReadOnlyCollection<double> ?? scores.ToList();
        return list.Count == 0 ? 0 : Math.Round(list.Sum() / list.Count * 100, 2);
    }

    /// <summary>The rollouts as journal JSON.</summary>
    public static JsonNode Save(IReadOnlyList<Rollout> rollouts) => new JsonArray(rollouts.Select(r => (JsonNode)new JsonObject
    {
        ["example"] = r.Example,
        ["score"] = r.Score,
        ["feedback"] = r.Feedback,
        ["error"] = r.Error,
        ["outputs"] = SaveValues(r.Outputs),
        ["calls"] = new JsonArray(r.Calls.Select(c => (JsonNode)new JsonObject
        {
            ["predictor"] = c.Predictor,
            ["inputs"] = SaveValues(c.Inputs),
            ["outputs"] = SaveValues(c.Outputs),
        }).ToArray()),
    }).ToArray());

    /// <summary>Rollouts read back from journal JSON.</summary>
    public static Rollout[] Load(JsonNode? node) => node!.AsArray().Select(n => new Rollout(
        n!["example"]!.GetValue<int>(),
        n["score"]!.GetValue<double>(),
        n["feedback"]?.GetValue<string>(),
        n["error"]?.GetValue<string>(),
        LoadValues(n["outputs"]),
        n["calls"]!.AsArray().Select(c => new TracedCall(c!["predictor"]!.GetValue<string>(), LoadValues(c["inputs"]), LoadValues(c["outputs"]))).ToArray())).ToArray();

    /// <summary>Field values as a JSON object (Python-compatible JSON for each value).</summary>
    public static JsonObject SaveValues(IEnumerable<KeyValuePair<string, object?>> values)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in values)
        {
            obj[key] = PythonJson.ToNode(value);
        }

        return obj;
    }

    /// <summary>Field values read back as plain .NET values.</summary>
    public static Dictionary<string, object?> LoadValues(JsonNode? node) =>
        node is JsonObject obj ? obj.ToDictionary(p => p.Key, p => JsonValues.ToValue(p.Value), StringComparer.Ordinal) : new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Maps the name each predictor is traced under to its name in the program.</summary>
    /// <exception cref="OptimizationException">Two predictors are traced under one name.</exception>
    internal static Dictionary<string, string> TracedNames(IEnumerable<(string Name, Predict Predictor)> predictors)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, predict) in predictors)
        {
            var traced = predict.Name ?? predict.Signature.Name;
            if (!map.TryAdd(traced, name))
            {
                throw new OptimizationException(
                    $"Predictors '{map[traced]}' and '{name}' are both traced as '{traced}', so their calls cannot be told apart; give them distinct Predict.Name values.");
            }
        }

        return map;
    }
}
