using System.Globalization;

namespace Declarative.Optimizers;

/// <summary>The journaled candidate steps, one after another or several at once.</summary>
public sealed partial class BootstrapFewShotWithRandomSearch
{
    /// <summary>
    /// Runs up to <see cref="RandomSearchOptions.MaxConcurrentCandidates"/> candidate steps at once and adds their
    /// candidates in seed order.
    /// </summary>
    private async Task TryConcurrentlyAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example> valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        List<RandomSearchTried> tried,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(options.MaxConcurrentCandidates);
        var tasks = new List<Task<RandomSearchTried>>();
        for (var seed = -3; seed < options.NumCandidatePrograms; seed++)
        {
            var s = seed;
            tasks.Add(Task.Run(
                async () =>
                {
                    await gate.WaitAsync(stop.Token).ConfigureAwait(false);
                    try
                    {
                        return await StepAsync(student, trainset, valset, run, context, optimizationRun, s, stop.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                },
                CancellationToken.None));
        }

        try
        {
            foreach (var task in tasks)
            {
                var one = await task.ConfigureAwait(false);
                tried.Add(one);
                if (await AddAsync(optimizationRun, one, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // The candidates after the one that stopped the run (or failed it) were cancelled or failed too; the first
                // error in seed order has already been thrown, or the run stopped at its score.
            }
        }
    }

    /// <summary>The journaled step of one seed.</summary>
    private Task<RandomSearchTried> StepAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example> valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        int seed,
        CancellationToken cancellationToken)
        where TProgram : Module =>
        optimizationRun.StepAsync(
            string.Create(CultureInfo.InvariantCulture, $"candidate/seed={seed}"),
            ct => TryAsync(student, trainset, valset, run, context, seed, ct),
            t => t.ToJson(),
            RandomSearchTried.FromJson,
            cancellationToken);

    /// <summary>Adds a scored candidate; returns whether it reaches <see cref="RandomSearchOptions.StopAtScore"/>.</summary>
    private async Task<bool> AddAsync(OptimizationRun optimizationRun, RandomSearchTried one, CancellationToken cancellationToken)
    {
        var details = one.Counts.ToDictionary(c => "demos." + c.Key, c => c.Value.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal);
        details["max_bootstrapped"] = one.Size.ToString(CultureInfo.InvariantCulture);
        await optimizationRun.AddCandidateAsync(
            new OptimizationCandidate(one.Seed + 3, string.Create(CultureInfo.InvariantCulture, $"seed {one.Seed}"), one.Score, true, one.State, details),
            cancellationToken).ConfigureAwait(false);
        return options.StopAtScore is { } stop && one.Score >= stop;
    }
}
