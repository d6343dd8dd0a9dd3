using System.Text.Json.Nodes;

namespace Declarative.Optimizers;

/// <summary>
/// Steps the search optimizers share. Each returns the journal's form of its result (saved, then loaded) whether it
/// ran or was replayed, so a resumed run sees exactly the values an uninterrupted one saw.
/// </summary>
internal static class SearchSteps
{
    /// <summary>Runs a step whose result is always the loaded form of what was saved.</summary>
    public static Task<T> ReplayableAsync<T>(
        this OptimizationRun optimizationRun,
        string key,
        Func<CancellationToken, Task<T>> compute,
        Func<T, JsonNode?> save,
        Func<JsonNode?, T> load,
        CancellationToken cancellationToken) =>
        optimizationRun.StepAsync(key, async ct => load(save(await compute(ct).ConfigureAwait(false))), save, load, cancellationToken);

    /// <summary>Runs and scores a program on examples as one step.</summary>
    public static Task<Rollout[]> EvaluateAsync<TProgram>(
        this OptimizationRun optimizationRun,
        string key,
        TProgram program,
        IReadOnlyList<Example> examples,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        Metric metric,
        int maxParallelism,
        bool traced,
        CancellationToken cancellationToken)
        where TProgram : Module =>
        optimizationRun.ReplayableAsync(
            key,
            ct => Rollouts.RunAsync(program, examples, run, context, metric, maxParallelism, traced, ct),
            Rollouts.Save,
            Rollouts.Load,
            cancellationToken);

    /// <summary>Runs a proposal predictor (with the completions its settings ask for) as one step; returns each completion's outputs.</summary>
    public static Task<List<Dictionary<string, object?>>> ProposeAsync(
        this OptimizationRun optimizationRun,
        string key,
        Predict proposer,
        IReadOnlyDictionary<string, object?> inputs,
        RunContext promptModel,
        CallSettings settings,
        CancellationToken cancellationToken) =>
        optimizationRun.ReplayableAsync(
            key,
            async ct =>
            {
                var prediction = await proposer.InvokeAsync(inputs, promptModel, settings, ct).ConfigureAwait(false);
                var completions = prediction.Completions.Count > 0 ? prediction.Completions : [prediction.Values];
                return completions.Select(c => c.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)).ToList();
            },
            list => new JsonArray(list.Select(d => (JsonNode)Rollouts.SaveValues(d)).ToArray()),
            node => node!.AsArray().Select(Rollouts.LoadValues).ToList(),
            cancellationToken);

    /// <summary>A state in which predictor <paramref name="name"/> has other instructions (and, when given, another last-output prefix).</summary>
    public static ProgramState WithInstruction(ProgramState state, string name, string instructions, string? outputPrefix = null)
    {
        var predictors = state.Predictors.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var current = predictors[name];
        var fields = current.Fields;
        if (!string.IsNullOrWhiteSpace(outputPrefix) && fields.Count > 0)
        {
            fields = [.. fields.Take(fields.Count - 1), fields[^1] with { Prefix = outputPrefix.Trim() }];
        }

        predictors[name] = current with { Instructions = instructions, Fields = fields };
        return new ProgramState(predictors);
    }

    /// <summary>A state in which predictor <paramref name="name"/> has other demos.</summary>
    public static ProgramState WithDemos(ProgramState state, string name, IReadOnlyList<Example> demos)
    {
        var predictors = state.Predictors.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        predictors[name] = predictors[name] with { Demos = demos };
        return new ProgramState(predictors);
    }

    /// <summary>Text from an output value (trimmed), or empty.</summary>
    public static string Text(IReadOnlyDictionary<string, object?> values, string key) =>
        values.TryGetValue(key, out var v) && v is not null ? (v.ToString() ?? string.Empty).Trim() : string.Empty;

    /// <summary>The signature of every predictor, one per line, as a program description needs it.</summary>
    public static string DescribeStructure(Module program) => string.Join(
        "\n",
        program.NamedPredictors().Select(p =>
            $"{p.Name}: {string.Join(", ", p.Predictor.Signature.InputFields.Select(f => f.Name))} -> {string.Join(", ", p.Predictor.Signature.OutputFields.Select(f => f.Name))}"));

    /// <summary>Examples as numbered blocks of <c>field: value</c> lines, for proposal prompts.</summary>
    public static string DescribeExamples(IEnumerable<IReadOnlyDictionary<string, object?>> examples) => string.Join(
        "\n\n",
        examples.Select((e, i) => $"Example {i + 1}:\n" + string.Join("\n", e.Select(p => $"{p.Key}: {Show(p.Value)}"))));

    /// <summary>A value as prompt text: strings as they are, other values as JSON.</summary>
    public static string Show(object? value) => value as string ?? PythonJson.Serialize(value);

    /// <summary>
    /// A candidate scored by <paramref name="rollouts"/>: its score in percent, and, when runs failed, their number
    /// (<c>errors</c>) and the first error (<c>first_error</c>) among its details, so failures show in the table.
    /// </summary>
    public static OptimizationCandidate Candidate(int index, string label, IReadOnlyList<Rollout> rollouts, bool full, ProgramState state, IReadOnlyDictionary<string, string> details)
    {
        var failed = rollouts.Where(r => r.Error is not null).ToList();
        var all = new Dictionary<string, string>(details, StringComparer.Ordinal);
        if (failed.Count > 0)
        {
            all["errors"] = failed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            all["first_error"] = failed[0].Error!;
        }

        return new OptimizationCandidate(index, label, Rollouts.Percent(rollouts.Select(r => r.Score)), full, state, all);
    }
}
