namespace Declarative.Optimizers;

/// <summary>Settings of <see cref="BootstrapFewShotWithRandomSearch"/>; defaults as DSPy's.</summary>
public sealed class RandomSearchOptions
{
    /// <summary>
    /// The most bootstrapped demos a candidate gets (default 4); each shuffled candidate draws its own count between 1
    /// and this. At least 1.
    /// </summary>
    public int MaxBootstrappedDemos { get; init; } = 4;

    /// <summary>The most demos a predictor gets in all, as <see cref="BootstrapFewShotOptions.MaxLabeledDemos"/> (default 16); at least 0.</summary>
    public int MaxLabeledDemos { get; init; } = 16;

    /// <summary>Attempts per training example while bootstrapping, as <see cref="BootstrapFewShotOptions.MaxRounds"/> (default 1); at least 1.</summary>
    public int MaxRounds { get; init; } = 1;

    /// <summary>How many shuffled candidates are tried after the three fixed ones (default 16); at least 0.</summary>
    public int NumCandidatePrograms { get; init; } = 16;

    /// <summary>The most validation examples scored at once (DSPy's <c>num_threads</c>; default 8); at least 1.</summary>
    public int MaxParallelism { get; init; } = 8;

    /// <summary>
    /// How many candidates are compiled and scored at once (default 1: one after another). Above 1 the candidates still
    /// enter the table, the journal's candidate list and the choice of the best in seed order, so the result is the same;
    /// with <see cref="StopAtScore"/>, candidates already started after the stopping one are cancelled (their calls are
    /// spent, their results dropped). At least 1.
    /// </summary>
    public int MaxConcurrentCandidates { get; init; } = 1;

    /// <summary>
    /// How many training examples one candidate bootstraps at once, as <see cref="BootstrapFewShotOptions.MaxParallelism"/>
    /// (default 1; the demos and calls are the same at any value); at least 1.
    /// </summary>
    public int BootstrapParallelism { get; init; } = 1;

    /// <summary>
    /// The run fails with an <see cref="OptimizationException"/> when this many examples have thrown while
    /// bootstrapping one candidate or evaluating one candidate (default 10); at least 1.
    /// </summary>
    public int MaxErrors { get; init; } = 10;

    /// <summary>Stop trying candidates once one scores at least this, in percent as <see cref="EvaluationResult.Score"/> (default none).</summary>
    public double? StopAtScore { get; init; }

    /// <summary>A bootstrapping trace passes when the metric scores at least this, as <see cref="BootstrapFewShotOptions.MetricThreshold"/> (default: above 0).</summary>
    public double? MetricThreshold { get; init; }

    /// <summary>
    /// Added to each shuffled candidate's seed (default 0, so candidate seeds are DSPy's 0..N-1); also seeds the
    /// labeled demos.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>
    /// The client the bootstrapping teacher runs with (<see cref="BootstrapFewShotOptions.TeacherClient"/>);
    /// <see langword="null"/> (the default) for the optimizer's context. Candidates are always scored with the student's.
    /// </summary>
    public Microsoft.Extensions.AI.IChatClient? TeacherClient { get; init; }

    /// <summary>Checks the settings.</summary>
    internal void Validate()
    {
        Check(MaxBootstrappedDemos >= 1, nameof(MaxBootstrappedDemos), MaxBootstrappedDemos, "must be at least 1");
        Check(MaxLabeledDemos >= 0, nameof(MaxLabeledDemos), MaxLabeledDemos, "must be 0 or more");
        Check(MaxRounds >= 1, nameof(MaxRounds), MaxRounds, "must be at least 1");
        Check(NumCandidatePrograms >= 0, nameof(NumCandidatePrograms), NumCandidatePrograms, "must be 0 or more");
        Check(MaxParallelism >= 1, nameof(MaxParallelism), MaxParallelism, "must be at least 1");
        Check(MaxConcurrentCandidates >= 1, nameof(MaxConcurrentCandidates), MaxConcurrentCandidates, "must be at least 1");
        Check(BootstrapParallelism >= 1, nameof(BootstrapParallelism), BootstrapParallelism, "must be at least 1");
        Check(MaxErrors >= 1, nameof(MaxErrors), MaxErrors, "must be at least 1");
        Check(StopAtScore is not { } s || double.IsFinite(s), nameof(StopAtScore), StopAtScore, "must be a finite number or null");
        Check(MetricThreshold is not { } t || double.IsFinite(t), nameof(MetricThreshold), MetricThreshold, "must be a finite number or null");
    }

    private static void Check(bool ok, string name, object? value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"RandomSearchOptions.{name} {rule}.");
        }
    }
}
