using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Declarative.Optimizers;
using Declarative.Pipeline;

namespace Declarative.Cli;

/// <summary>
/// The report folder of an <c>optimize</c> run (<c>--run-dir</c>): <c>program.json</c> (the best program),
/// <c>candidates.csv</c> and <c>candidates.json</c> (every candidate: index, label, score, full evaluation, the
/// optimizer's details), <c>scores.png</c> (score by trial), <c>costs.json</c> (this process's calls, tokens, cost and
/// wall time, and whether the run is partial) beside the run's <c>journal.jsonl</c>.
/// </summary>
internal static class RunReport
{
    public static async Task WriteAsync<TProgram>(string folder, OptimizationResult<TProgram> result, Budget budget, CancellationToken cancellationToken)
        where TProgram : Module
    {
        Directory.CreateDirectory(folder);
        await result.Program.SaveAsync(Path.Combine(folder, "program.json"), cancellationToken);
        var candidates = result.Candidates;
        var keys = candidates.SelectMany(c => c.Details.Keys).Distinct(StringComparer.Ordinal).ToList();

        var csv = new StringBuilder();
        csv.AppendJoin(',', new[] { "index", "label", "score", "full_evaluation" }.Concat(keys).Select(Csv)).Append('\n');
        var json = new JsonArray();
        foreach (var c in candidates)
        {
            csv.AppendJoin(',', new[] { Num(c.Index), c.Label, Num(c.Score), c.FullEvaluation ? "true" : "false" }
                .Concat(keys.Select(k => c.Details.TryGetValue(k, out var v) ? v : string.Empty)).Select(Csv)).Append('\n');
            var details = new JsonObject();
            foreach (var (k, v) in c.Details)
            {
                details[k] = v;
            }

            json.Add(new JsonObject { ["index"] = c.Index, ["label"] = c.Label, ["score"] = c.Score, ["full_evaluation"] = c.FullEvaluation, ["details"] = details });
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "candidates.csv"), csv.ToString(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "candidates.json"), json.ToJsonString(new(JsonOutput.Options) { WriteIndented = true }) + "\n", cancellationToken);
        var costs = new JsonObject
        {
            ["calls"] = budget.Calls,
            ["input_tokens"] = budget.InputTokens,
            ["output_tokens"] = budget.OutputTokens,
            ["tokens"] = budget.Tokens,
            ["usd"] = budget.Cost,
            ["wall_seconds"] = Math.Round(budget.Elapsed.TotalSeconds, 3),
            ["candidates"] = candidates.Count,
            ["score"] = result.Score,
            ["partial"] = result.IsPartial,
            ["stop_reason"] = result.StopReason,
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "costs.json"), costs.ToJsonString(new(JsonOutput.Options) { WriteIndented = true }) + "\n", cancellationToken);
        ScorePlot.Write(Path.Combine(folder, "scores"), candidates);
    }

    private static string Num(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
