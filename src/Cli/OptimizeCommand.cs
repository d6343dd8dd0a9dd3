using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Declarative.Optimizers;
using Declarative.Pipeline;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary>
/// <c>declarative optimize</c>: compiles a program (a string signature, or a program type of a built assembly) with an
/// optimizer over a training set, journaling every step in a run folder so that <c>--resume</c> continues a killed
/// run; writes the best program to <c>--out</c> and a report beside it; prints <c>{"score","partial","out",…}</c>.
/// </summary>
internal static class OptimizeCommand
{
    /// <summary>The file beside <c>--out</c> that marks a partial program (a spent budget); removed by a complete run.</summary>
    public const string PartialSuffix = ".partial";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var program = ProgramSource.CreateOptions();
        var adapter = CommonOptions.Adapter();
        var trainset = new Option<string>("--trainset") { Description = "The training examples: a JSONL file, one object of inputs and labels per line.", Required = true };
        var devset = new Option<string?>("--devset") { Description = "The examples candidates are scored on (default: the optimizer's choice, usually the training set)." };
        var inputKeys = new Option<string?>("--input-keys") { Description = "Comma-separated input names (default: the first predictor's inputs)." };
        var metric = new Option<string>("--metric") { Description = "exact_match, strict_match, f1, or the name of a metric method of --assembly.", DefaultValueFactory = _ => "exact_match" };
        var field = new Option<string?>("--field") { Description = "The output a built-in metric scores (default: the signature's first output; for --assembly, the last predictor's last output)." };
        var optimizer = new Option<string>("--optimizer") { Description = "One of: " + string.Join("; ", OptimizerRegistry.All.Select(e => e.Name + " (" + e.Summary + ")")), DefaultValueFactory = _ => "random-search" };
        var auto = new Option<string>("--auto") { Description = "The effort: light, medium or heavy.", DefaultValueFactory = _ => "light" };
        var lm = new Option<string>("--lm") { Description = "The model, as for `run`.", Required = true };
        var teacherLm = new Option<string?>("--teacher-lm") { Description = "A model for the teacher, for optimizers that use one." };
        var seed = new Option<int>("--seed") { Description = "The seed of every random choice.", DefaultValueFactory = _ => 0 };
        var parallelism = new Option<int>("--max-parallelism") { Description = "The most examples run at once.", DefaultValueFactory = _ => 8 };
        var concurrentCandidates = new Option<int>("--max-concurrent-candidates") { Description = "Candidates scored at once (random-search); the result is the same as one after another.", DefaultValueFactory = _ => 1 };
        var budgetCalls = new Option<long?>("--budget-calls") { Description = "Stop (partial) before the LM call that would exceed this many calls (cache hits are free)." };
        var budgetTokens = new Option<long?>("--budget-tokens") { Description = "Stop before exceeding this many prompt plus completion tokens." };
        var budgetUsd = new Option<decimal?>("--budget-usd") { Description = "Stop before exceeding this cost in USD (the model must be in the price table)." };
        var budgetSeconds = new Option<double?>("--budget-seconds") { Description = "Stop calling the LM after this many seconds." };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the best program (JSON, DSPy's layout).", Required = true };
        var runDir = new Option<string?>("--run-dir") { Description = "The report and checkpoint folder (default: OUT without its extension, plus .run)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run journaled in --run-dir (start one when there is none)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Delete the journal in --run-dir and start over." };
        var cache = ModelPipeline.Cache();
        var noCache = ModelPipeline.NoCache();
        var telemetry = ModelPipeline.Telemetry();
        var command = new Command("optimize", "Compile a program with an optimizer over a training set; resumable (--resume), budgeted, with a report folder.")
        {
            program.Signature, program.Instructions, program.Module, program.Assembly, program.Program, adapter, trainset, devset, inputKeys,
            metric, field, optimizer, auto, lm, teacherLm, seed, parallelism, concurrentCandidates, budgetCalls, budgetTokens, budgetUsd, budgetSeconds,
            output, runDir, resume, overwrite, cache, noCache, telemetry,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var source = ProgramSource.Read(result, program, field, inputKeys);
            var chosen = CommonOptions.ReadAdapter(result.GetValue(adapter)!);
            var metricName = result.GetValue(metric)!;
            var scoring = source.ReadMetric(metricName, result.GetValue(field));
            var label = result.GetValue(field) ?? source.DefaultField;
            var train = source.LoadDataset("--trainset", result.GetValue(trainset)!, result.GetValue(inputKeys), label);
            var devPath = result.GetValue(devset);
            var dev = devPath is null ? null : source.LoadDataset("--devset", devPath, result.GetValue(inputKeys), label);
            var entry = OptimizerRegistry.Find(result.GetValue(optimizer)!);
            var max = result.GetValue(parallelism);
            if (max < 1)
            {
                throw new CliException($"--max-parallelism must be at least 1, not {max}.");
            }

            var teacherSpec = result.GetValue(teacherLm);
            if (teacherSpec is not null && !entry.UsesTeacher)
            {
                throw new CliException($"--teacher-lm is not used by --optimizer {entry.Name}; drop it (the optimizers that use a teacher say so in --help).");
            }

            var concurrent = result.GetValue(concurrentCandidates);
            if (concurrent < 1 || (concurrent > 1 && !entry.ScoresCandidatesConcurrently))
            {
                throw new CliException(concurrent < 1
                    ? $"--max-concurrent-candidates must be at least 1, not {concurrent}."
                    : $"--max-concurrent-candidates is not used by --optimizer {entry.Name}; drop it.");
            }

            var settings = new OptimizerSettings(scoring, result.GetValue(seed), result.GetValue(auto)!.ToLowerInvariant(), max, null, concurrent, train.Count);
            var options = entry.Options(settings); // also checks --auto
            var outPath = Path.GetFullPath(result.GetValue(output)!);
            var folder = Path.GetFullPath(result.GetValue(runDir) ?? Path.ChangeExtension(outPath, null) + ".run");
            var lmSpec = result.GetValue(lm)!;
            var fingerprint = OptimizationRun.ComputeFingerprint(
            [
                "optimize/1", entry.Name, options, settings.Seed.ToString(CultureInfo.InvariantCulture), metricName, result.GetValue(field) ?? source.DefaultField,
                Hash(result.GetValue(trainset)!), devPath is null ? "-" : Hash(devPath), result.GetValue(inputKeys) ?? "-", source.Description,
                ProgramState.Capture(source.Student).ToJson(), result.GetValue(adapter)!, lmSpec, teacherSpec ?? "-",
            ]);
            var journal = Path.Combine(folder, OptimizationRun.JournalFileName);
            if (result.GetValue(overwrite) && File.Exists(journal))
            {
                File.Delete(journal);
            }

            var budget = new Budget(new BudgetOptions
            {
                MaxCalls = result.GetValue(budgetCalls),
                MaxTokens = result.GetValue(budgetTokens),
                MaxCost = result.GetValue(budgetUsd),
                MaxWallTime = result.GetValue(budgetSeconds) is { } s ? TimeSpan.FromSeconds(s) : null,
            });
            var progress = new OptimizeProgress(stderr, budget, entry.Candidates(settings));
            OptimizationRun run;
            try
            {
                run = await OptimizationRun.OpenAsync(journal, fingerprint, result.GetValue(resume), progress, cancellationToken);
            }
            catch (OptimizationJournalException ex)
            {
                throw new CliException(ex.Message.Replace("optimize --resume", "--resume", StringComparison.Ordinal) + (ex.Message.Contains("already exists", StringComparison.Ordinal) ? " (or pass --overwrite)" : string.Empty));
            }

            using var session = TelemetrySession.Start(result.GetValue(telemetry), stderr);
            var (built, store) = await ModelPipeline.BuildAsync(lmSpec, chosen, session is not null, result.GetValue(noCache), result.GetValue(cache), stderr, cancellationToken, budget);
            IChatClient? teacher = null;
            SqliteChatCache? teacherStore = null;
            if (teacherSpec is not null)
            {
                // The teacher shares the cache file and the run's budget: its calls count like the student's.
                (teacher, teacherStore) = await ModelPipeline.BuildAsync(teacherSpec, chosen, session is not null, result.GetValue(noCache), result.GetValue(cache), stderr, cancellationToken, budget);
                settings = settings with { Teacher = teacher };
            }

            try
            {
                using var client = built;
                using var teacherClient = teacher;
                var context = new RunContext(client) { Adapter = chosen };
                var optimized = await progress.RunAsync(() =>
                    entry.Create(settings).OptimizeAsync(source.Student, train, dev, source.Run, context, run, cancellationToken));
                await optimized.Program.SaveAsync(outPath, cancellationToken);
                var marker = outPath + PartialSuffix;
                if (optimized.IsPartial)
                {
                    await File.WriteAllTextAsync(marker, new JsonObject { ["partial"] = true, ["stop_reason"] = optimized.StopReason }.ToJsonString(JsonOutput.Options) + "\n", cancellationToken);
                    stderr.WriteLine("optimize: stopped early: " + optimized.StopReason?.ReplaceLineEndings(" ")
                        + $" The best program so far is in {outPath} (marked by {Path.GetFileName(marker)}); rerun with --resume and a larger --budget-calls, --budget-tokens, --budget-usd or --budget-seconds to continue.");
                }
                else if (File.Exists(marker))
                {
                    File.Delete(marker);
                }

                await RunReport.WriteAsync(folder, optimized, budget, cancellationToken);
                stdout.WriteLine(new JsonObject
                {
                    ["score"] = optimized.Score,
                    ["partial"] = optimized.IsPartial,
                    ["out"] = outPath,
                    ["run_dir"] = folder,
                    ["candidates"] = optimized.Candidates.Count,
                    ["calls"] = budget.Calls,
                }.ToJsonString(JsonOutput.Options));
                return optimized.IsPartial ? ExitCodes.Partial : ExitCodes.Ok;
            }
            catch (ArgumentException ex) when (ex.ParamName is "trainset" or "valset")
            {
                throw new CliException(ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal));
            }
            catch (OptimizationException ex)
            {
                stderr.WriteLine("optimize failed: " + ex.Message.ReplaceLineEndings(" "));
                return ExitCodes.Failed;
            }
            finally
            {
                store?.Dispose();
                teacherStore?.Dispose();
            }
        });
        return command;
    }

    private static string Hash(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (IOException ex)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
    }
}
