using System.Text.Json.Nodes;

namespace Declarative.Optimizers;

/// <summary>
/// The state of one optimization run: a journal of finished steps, the table of scored candidates and the best one so
/// far, and progress events. Optimizers do their expensive work (bootstrapping, proposing, scoring) inside
/// <see cref="StepAsync{T}"/> and report each scored program with <see cref="AddCandidateAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// Resuming is replay: a resumed run executes the optimizer from its start with the same seed, and every step already
/// in the journal returns its recorded result instead of running again. Because all randomness is seeded and consumed
/// in the same order on replay, the random state at the point of interruption is reconstructed exactly, and the
/// resumed run reaches the same result as an uninterrupted one. Step keys must therefore be deterministic (derived
/// from the seed, the trial number, the predictor name — never from time or a fresh GUID).
/// </para>
/// <para>
/// A run created with the constructor keeps its journal in memory; <c>OpenAsync</c> (a file-backed journal, written
/// atomically after every step and candidate) is what the <c>optimize</c> command uses. Methods are thread-safe.
/// </para>
/// </remarks>
public sealed partial class OptimizationRun
{
    private readonly object gate = new();
    private readonly Dictionary<string, JsonNode?> steps = new(StringComparer.Ordinal);
    private readonly List<OptimizationCandidate> candidates = [];
    private readonly IOptimizationJournal? journal;

    /// <summary>Creates a run whose journal lives in memory (nothing survives the process).</summary>
    /// <param name="progress">Receives an event after each step and candidate; <see langword="null"/> for none.</param>
    public OptimizationRun(IProgress<OptimizationEvent>? progress = null)
    {
        Progress = progress;
    }

    /// <summary>Creates a run over a journal, replaying what it holds.</summary>
    internal OptimizationRun(IOptimizationJournal journal, IProgress<OptimizationEvent>? progress)
        : this(progress)
    {
        this.journal = journal;
        foreach (var (key, value) in journal.Steps)
        {
            steps[key] = value;
        }

        candidates.AddRange(journal.Candidates);
    }

    /// <summary>Receives progress events; <see langword="null"/> for none.</summary>
    public IProgress<OptimizationEvent>? Progress { get; }

    /// <summary>The candidates scored so far, in the order they were added.</summary>
    public IReadOnlyList<OptimizationCandidate> Candidates
    {
        get
        {
            lock (gate)
            {
                return [.. candidates];
            }
        }
    }

    /// <summary>
    /// The best candidate so far: the highest score among full evaluations, or among all candidates when none is full;
    /// the earliest on a tie. <see langword="null"/> before the first candidate.
    /// </summary>
    public OptimizationCandidate? Best
    {
        get
        {
            lock (gate)
            {
                return BestOf(candidates);
            }
        }
    }

    /// <summary>
    /// Runs a step once per run: returns the journaled result when the step finished before (a resumed run), otherwise
    /// computes it, records it and returns it.
    /// </summary>
    /// <typeparam name="T">The step's result.</typeparam>
    /// <param name="key">A deterministic key, unique within the run (for example <c>"bootstrap/seed=3"</c>).</param>
    /// <param name="compute">Computes the result.</param>
    /// <param name="save">Turns the result into JSON for the journal.</param>
    /// <param name="load">Reads a journaled result back.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The step's result.</returns>
    public async Task<T> StepAsync<T>(
        string key,
        Func<CancellationToken, Task<T>> compute,
        Func<T, JsonNode?> save,
        Func<JsonNode?, T> load,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(compute);
        ArgumentNullException.ThrowIfNull(save);
        ArgumentNullException.ThrowIfNull(load);
        JsonNode? recorded;
        bool found;
        lock (gate)
        {
            found = steps.TryGetValue(key, out recorded);
        }

        if (found)
        {
            Progress?.Report(new OptimizationEvent(OptimizationEventKind.StepReplayed, key, null));
            return load(recorded?.DeepClone());
        }

        var result = await compute(cancellationToken).ConfigureAwait(false);
        var node = save(result);
        lock (gate)
        {
            if (!steps.TryAdd(key, node?.DeepClone()))
            {
                throw new InvalidOperationException($"Step '{key}' ran twice in one run; give each step a unique key.");
            }
        }

        if (journal is not null)
        {
            await journal.AppendStepAsync(key, node, cancellationToken).ConfigureAwait(false);
        }

        Progress?.Report(new OptimizationEvent(OptimizationEventKind.StepCompleted, key, null));
        return result;
    }

    /// <summary>
    /// Records a scored candidate (a no-op for one already journaled with the same index: a resumed run replaying it).
    /// </summary>
    /// <param name="candidate">The candidate.</param>
    /// <param name="cancellationToken">Cancels writing the journal.</param>
    /// <returns>A task that completes when the candidate is recorded (and, for a file journal, on disk).</returns>
    public async Task AddCandidateAsync(OptimizationCandidate candidate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (gate)
        {
            if (candidates.Exists(c => c.Index == candidate.Index))
            {
                Progress?.Report(new OptimizationEvent(OptimizationEventKind.CandidateReplayed, candidate.Label, candidate));
                return;
            }

            candidates.Add(candidate);
        }

        if (journal is not null)
        {
            await journal.AppendCandidateAsync(candidate, cancellationToken).ConfigureAwait(false);
        }

        Progress?.Report(new OptimizationEvent(OptimizationEventKind.CandidateScored, candidate.Label, candidate));
    }

    private static OptimizationCandidate? BestOf(List<OptimizationCandidate> all)
    {
        var pool = all.Exists(c => c.FullEvaluation) ? all.Where(c => c.FullEvaluation) : all;
        OptimizationCandidate? best = null;
        foreach (var c in pool)
        {
            if (best is null || c.Score > best.Score)
            {
                best = c;
            }
        }

        return best;
    }
}
