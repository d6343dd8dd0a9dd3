using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Declarative.Optimizers;
using Declarative.Pipeline;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary><c>declarative evaluate</c>: runs a string signature over a JSONL devset, scores it and prints <c>{"score": percent, "n": count}</c>.</summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var signature = CommonOptions.Signature();
        var instructions = CommonOptions.Instructions();
        var adapter = CommonOptions.Adapter();
        var module = new Option<string>("--module") { Description = "predict or cot (chain of thought).", DefaultValueFactory = _ => "predict" };
        var devset = new Option<string>("--devset") { Description = "The examples: a JSONL file, one object of inputs and labels per line.", Required = true };
        var inputKeys = new Option<string?>("--input-keys") { Description = "Comma-separated input names (default: the signature's inputs)." };
        var metric = new Option<string>("--metric") { Description = "exact_match (DSPy's normalized answer match), strict_match or f1 (SQuAD token F1).", DefaultValueFactory = _ => "exact_match" };
        var field = new Option<string?>("--field") { Description = "The output field scored against the label of the same name (default: the first output)." };
        var lm = new Option<string>("--lm") { Description = "The model, as for `run`: llama:…, openai:MODEL, openai-compatible:URL#MODEL or scripted:FILE.jsonl.", Required = true };
        var cache = ModelPipeline.Cache();
        var noCache = ModelPipeline.NoCache();
        var parallelism = new Option<int>("--max-parallelism") { Description = "The most examples run at once.", DefaultValueFactory = _ => 8 };
        var telemetry = ModelPipeline.Telemetry();
        var results = new Option<string?>("--results") { Description = "Write the per-example rows to FILE.csv or FILE.json." };
        var command = new Command("evaluate", "Run a signature over a devset, score each prediction and print {\"score\": percent, \"n\": count}; progress goes to stderr.")
        {
            signature, instructions, adapter, module, devset, inputKeys, metric, field, lm, cache, noCache, parallelism, telemetry, results,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var sig = CommonOptions.ReadSignature(result.GetValue(signature)!, result.GetValue(instructions));
            var chosen = CommonOptions.ReadAdapter(result.GetValue(adapter)!);
            var cot = result.GetValue(module)!.ToLowerInvariant() switch
            {
                "predict" => false,
                "cot" or "chain-of-thought" => true,
                var other => throw new CliException($"--module '{other}' is not known; use predict or cot."),
            };
            var scored = result.GetValue(field) ?? sig.OutputFields[0].Name;
            if (!sig.TryGetField(scored, out var scoredField) || scoredField.IsInput)
            {
                throw new CliException($"--field '{scored}' is not an output of the signature; its outputs are {string.Join(", ", sig.OutputFields.Select(f => f.Name))}.");
            }

            var chosenMetric = result.GetValue(metric)!.ToLowerInvariant() switch
            {
                "exact_match" or "em" => Metrics.NormalizedExactMatch(scored),
                "strict_match" => Metrics.ExactMatch(scored),
                "f1" => Metrics.TokenF1(scored),
                var other => throw new CliException($"--metric '{other}' is not known; use exact_match, strict_match or f1."),
            };
            var max = result.GetValue(parallelism);
            if (max < 1)
            {
                throw new CliException($"--max-parallelism must be at least 1, not {max}.");
            }

            var resultsPath = result.GetValue(results);
            if (resultsPath is not null && !resultsPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !resultsPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException($"--results '{resultsPath}' must end in .csv or .json.");
            }

            var examples = LoadDevset(result.GetValue(devset)!, result.GetValue(inputKeys), sig, scored);
            using var session = TelemetrySession.Start(result.GetValue(telemetry), stderr);
            var (built, store) = await ModelPipeline.BuildAsync(result.GetValue(lm)!, chosen, session is not null, result.GetValue(noCache), result.GetValue(cache), stderr, cancellationToken);

            try
            {
                using var client = built;
                var context = new RunContext(client) { Adapter = chosen };
                var gate = new object();
                var evaluator = new Evaluator(new EvaluateOptions
                {
                    MaxParallelism = max,
                    Progress = new LineProgress(p =>
                    {
                        lock (gate)
                        {
                            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evaluate: {p.Completed}/{p.Total} scored, average {p.Percent}%, {p.Errors} errors"));
                        }
                    }),
                });
                var evaluation = cot
                    ? await evaluator.EvaluateAsync(new ChainOfThought(sig), context, examples, chosenMetric, cancellationToken)
                    : await evaluator.EvaluateAsync(new Predict(sig), context, examples, chosenMetric, cancellationToken);
                foreach (var failed in evaluation.Rows.Where(r => r.Error is not null).Take(5))
                {
                    stderr.WriteLine($"example {failed.Index} failed: {failed.Error!.ReplaceLineEndings(" ")}");
                }

                if (resultsPath is not null)
                {
                    await File.WriteAllTextAsync(resultsPath, resultsPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? evaluation.ToCsv() : evaluation.ToJson(), cancellationToken);
                }

                stdout.WriteLine(new JsonObject { ["score"] = evaluation.Score, ["n"] = evaluation.Count }.ToJsonString(JsonOutput.Options));
                return ExitCodes.Ok;
            }
            finally
            {
                store?.Dispose();
            }
        });
        return command;
    }

    private static IReadOnlyList<Example> LoadDevset(string path, string? keys, Signature signature, string scored)
    {
        var inputs = keys is null
            ? signature.InputFields.Select(f => f.Name).ToArray()
            : keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var key in inputs)
        {
            if (!signature.TryGetField(key, out var f) || !f.IsInput)
            {
                throw new CliException($"--input-keys: '{key}' is not an input of the signature; its inputs are {string.Join(", ", signature.InputFields.Select(x => x.Name))}.");
            }
        }

        IReadOnlyList<Example> examples;
        try
        {
            examples = Dataset.LoadJsonl(path, inputs);
        }
        catch (DatasetException ex)
        {
            throw new CliException("--devset " + ex.Message.ReplaceLineEndings(" "));
        }
        catch (ArgumentException ex)
        {
            throw new CliException("--input-keys: " + ex.Message.ReplaceLineEndings(" "));
        }

        for (var i = 0; i < examples.Count; i++)
        {
            if (!examples[i].ContainsKey(scored))
            {
                throw new CliException($"--devset {path}: example {i + 1} has no label '{scored}' to score against.");
            }
        }

        return examples;
    }

    private sealed class LineProgress(Action<EvaluationProgress> report) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => report(value);
    }
}
