using System.Globalization;
using Declarative.Optimizers;
using Declarative.Pipeline;
using Spectre.Console;

namespace Declarative.Cli;

/// <summary>
/// Shows an optimization run's progress on stderr: a Spectre.Console live progress bar (candidate, calls, tokens, cost,
/// best score, ETA) when stderr is a terminal, otherwise one plain line per scored or replayed candidate:
/// <c>optimize: candidate 4/7 "seed 0" 66.67% (best 66.67%), calls 12, tokens 3456, $0.0000, 1.2s</c>.
/// </summary>
internal sealed class OptimizeProgress : IProgress<OptimizationEvent>
{
    private readonly object gate = new();
    private readonly TextWriter stderr;
    private readonly Budget budget;
    private readonly int? total;
    private ProgressTask? bar;
    private int seen;
    private double? best;

    public OptimizeProgress(TextWriter stderr, Budget budget, int? total)
    {
        this.stderr = stderr;
        this.budget = budget;
        this.total = total;
    }

    /// <summary>Runs <paramref name="work"/>, live on a terminal, with plain lines otherwise.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        if (!ReferenceEquals(stderr, Console.Error) || Console.IsErrorRedirected)
        {
            return await work();
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                lock (gate)
                {
                    bar = context.AddTask("optimize", maxValue: total ?? 1);
                    bar.IsIndeterminate = total is null;
                }

                var result = await work();
                lock (gate)
                {
                    bar.Value = bar.MaxValue;
                    bar.StopTask();
                }

                return result;
            });
    }

    public void Report(OptimizationEvent value)
    {
        if (value.Candidate is not { } candidate)
        {
            return;
        }

        lock (gate)
        {
            seen++;
            if (best is null || candidate.Score > best)
            {
                best = candidate.Score;
            }

            var of = total is { } t ? string.Create(CultureInfo.InvariantCulture, $"{seen}/{t}") : seen.ToString(CultureInfo.InvariantCulture);
            var replayed = value.Kind == OptimizationEventKind.CandidateReplayed ? " (replayed)" : string.Empty;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"candidate {of} \"{candidate.Label}\" {candidate.Score}%{replayed} (best {best}%), calls {budget.Calls}, tokens {budget.Tokens}, ${budget.Cost:0.0000}, {budget.Elapsed.TotalSeconds:0.0}s");
            if (bar is not null)
            {
                bar.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{of} {candidate.Score}% best {best}% | {budget.Calls} calls {budget.Tokens} tok ${budget.Cost:0.00}"));
                bar.Value = seen;
            }
            else
            {
                stderr.WriteLine("optimize: " + line);
                stderr.Flush();
            }
        }
    }
}
