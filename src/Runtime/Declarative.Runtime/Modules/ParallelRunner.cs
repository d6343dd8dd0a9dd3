namespace Declarative;

/// <summary>
/// Runs (module, inputs) pairs several at a time and returns their results in input order (DSPy's
/// <c>dspy.Parallel</c>). A failing item is recorded with its error and the others go on, until more than
/// <see cref="ParallelRunnerOptions.MaxErrors"/> have failed; then the rest are cancelled and
/// <see cref="ParallelExecutionException"/> is thrown. Immutable and thread-safe.
/// </summary>
public sealed class ParallelRunner
{
    private readonly ParallelRunnerOptions options;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The options (default: 8 at once, 10 errors).</param>
    public ParallelRunner(ParallelRunnerOptions? options = null)
    {
        this.options = options ?? new ParallelRunnerOptions();
        this.options.Validate();
    }

    /// <summary>Runs every pair.</summary>
    /// <param name="pairs">The modules and their inputs.</param>
    /// <param name="context">The run context shared by all items.</param>
    /// <param name="settings">Settings for every call.</param>
    /// <param name="cancellationToken">Cancels the run; <see cref="OperationCanceledException"/> is thrown then.</param>
    /// <returns>One result per pair, in input order.</returns>
    /// <exception cref="ParallelExecutionException">More items failed than allowed.</exception>
    public async Task<IReadOnlyList<ParallelResult>> RunAsync(
        IReadOnlyList<(IInvokableModule Module, IReadOnlyDictionary<string, object?> Inputs)> pairs,
        RunContext context,
        CallSettings? settings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(context);
        var results = new ParallelResult?[pairs.Count];
        var failures = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelism, CancellationToken = stop.Token };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, pairs.Count), parallel, async (index, ct) =>
            {
                var (module, inputs) = pairs[index];
                try
                {
                    results[index] = new ParallelResult(index, await module.InvokeAsync(inputs, context, settings, ct).ConfigureAwait(false), null);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    results[index] = new ParallelResult(index, null, ex);
                    if (Interlocked.Increment(ref failures) > options.MaxErrors)
                    {
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && failures > options.MaxErrors)
        {
            // Stopped for too many errors: reported below.
        }

        if (failures > options.MaxErrors)
        {
            throw new ParallelExecutionException(options.MaxErrors.Value, results.Where(r => r is { Error: not null }).Select(r => r!).ToArray());
        }

        return results.Select((r, i) => r ?? throw new InvalidOperationException($"Item {i} produced no result.")).ToArray();
    }
}
