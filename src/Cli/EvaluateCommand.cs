using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Declarative.Optimizers;
using Declarative.Pipeline;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary>
/// <c>declarative evaluate</c>: runs a string signature, or a program of a built assembly (optionally with a compiled
/// <c>--program-state</c>), over a JSONL devset, scores it and prints <c>{"score": percent, "n": count}</c>.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var program = ProgramSource.CreateOptions();
        var adapter = CommonOptions.Adapter();
        var programState = new Option<string?>("--program-state") { Description = "A compiled program (the JSON `optimize --out` writes) to load into the program first." };
        var devset = new Option<string>("--devset") { Description = "The examples: a JSONL file, one object of inputs and labels per line.", Required = true };
        var inputKeys = new Option<string?>("--input-keys") { Description = "Comma-separated input names (default: the signature's inputs)." };
        var metric = new Option<string>("--metric") { Description = "exact_match (DSPy's normalized answer match), strict_match, f1 (SQuAD token F1), or a metric method of --assembly.", DefaultValueFactory = _ => "exact_match" };
        var field = new Option<string?>("--field") { Description = "The output field scored against the label of the same name (default: the signature's first output; for --assembly, the last predictor's last output)." };
        var lm = new Option<string>("--lm") { Description = "The model, as for `run`: llama:…, openai:MODEL, openai-compatible:URL#MODEL or scripted:FILE.jsonl.", Required = true };
        var cache = ModelPipeline.Cache();
        var noCache = ModelPipeline.NoCache();
        var parallelism = new Option<int>("--max-parallelism") { Description = "The most examples run at once.", DefaultValueFactory = _ => 8 };
        var telemetry = ModelPipeline.Telemetry();
        var results = new Option<string?>("--results") { Description = "Write the per-example rows to FILE.csv or FILE.json." };
        var command = new Command("evaluate", "Run a signature over a devset, score each prediction and print {\"score\": percent, \"n\": count}; progress goes to stderr.")
        {
            program.Signature, program.Instructions, program.Module, program.Assembly, program.Program, programState, adapter, devset, inputKeys, metric, field, lm, cache, noCache, parallelism, telemetry, results,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var source = ProgramSource.Read(result, program, field, inputKeys);
            var chosen = CommonOptions.ReadAdapter(result.GetValue(adapter)!);
            var scored = result.GetValue(field) ?? source.DefaultField;
            var chosenMetric = source.ReadMetric(result.GetValue(metric)!, scored);
            var student = source.Student;
            if (result.GetValue(programState) is { } statePath)
            {
                try
                {
                    student = student.WithState(await ProgramState.LoadAsync(statePath, cancellationToken));
                }
                catch (Exception ex) when (ex is ProgramStateException or IOException)
                {
                    throw new CliException($"--program-state {statePath}: {ex.Message.ReplaceLineEndings(" ")}");
                }
            }

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

            var examples = source.LoadDataset("--devset", result.GetValue(devset)!, result.GetValue(inputKeys), scored);
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
                var evaluation = await evaluator.EvaluateAsync((e, ct) => source.Run(student, e, context, ct), examples, chosenMetric, cancellationToken);
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

    private sealed class LineProgress(Action<EvaluationProgress> report) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => report(value);
    }
}
