namespace Declarative.Optimizers;

/// <summary>How <see cref="Gepa"/> picks the candidate to improve next.</summary>
public enum GepaCandidateSelection
{
    /// <summary>From the Pareto front over validation examples, in proportion to how many examples each candidate leads (default).</summary>
    Pareto,

    /// <summary>Always the candidate with the best average validation score.</summary>
    CurrentBest,
}

/// <summary>Settings of <see cref="Gepa"/>; defaults as DSPy's <c>GEPA</c>. Validated when the optimizer is built.</summary>
public sealed class GepaOptions
{
    /// <summary>
    /// Sets the metric-call budget from DSPy's <c>auto_budget</c> (default <see cref="OptimizationIntensity.Light"/>):
    /// with n = 6, 12 or 18 candidates, P predictors, V validation examples and trials
    /// T = max(2 · P · log2 n, 1.5 · n), the budget is V + 5n + 35T + V · ((T + 1) / 5 + 1, one more when T &lt; 5).
    /// Exactly one of <see cref="Auto"/>, <see cref="MaxMetricCalls"/> and <see cref="MaxFullEvals"/> must be set.
    /// </summary>
    public OptimizationIntensity? Auto { get; init; } = OptimizationIntensity.Light;

    /// <summary>The most metric calls (program runs scored) the run may start; set <see cref="Auto"/> to <see langword="null"/> to use it.</summary>
    public int? MaxMetricCalls { get; init; }

    /// <summary>A budget of this many full validation passes (MaxMetricCalls = MaxFullEvals · (train + validation size)); set <see cref="Auto"/> to <see langword="null"/> to use it.</summary>
    public int? MaxFullEvals { get; init; }

    /// <summary>Training examples per reflection minibatch (default 3); at least 1.</summary>
    public int ReflectionMinibatchSize { get; init; } = 3;

    /// <summary>How the candidate to improve is chosen (default <see cref="GepaCandidateSelection.Pareto"/>).</summary>
    public GepaCandidateSelection CandidateSelection { get; init; } = GepaCandidateSelection.Pareto;

    /// <summary>Whether to try merging two candidates that improved different predictors from a common ancestor (default <see langword="true"/>).</summary>
    public bool UseMerge { get; init; } = true;

    /// <summary>The most merges tried (default 5); at least 0.</summary>
    public int MaxMergeInvocations { get; init; } = 5;

    /// <summary>Whether a minibatch on which the parent already scores <see cref="PerfectScore"/> everywhere is skipped (default <see langword="true"/>).</summary>
    public bool SkipPerfectScore { get; init; } = true;

    /// <summary>The metric's best score (default 1).</summary>
    public double PerfectScore { get; init; } = 1;

    /// <summary>The seed for minibatches, candidate selection and merges (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>The most examples scored at once (default 8); at least 1.</summary>
    public int MaxParallelism { get; init; } = 8;

    /// <summary>The client that reflects and writes instructions (DSPy's <c>reflection_lm</c>); <see langword="null"/> (default) for the task model's context.</summary>
    public RunContext? PromptModel { get; init; }

    internal void Validate()
    {
        if (Auto is { } auto && !Enum.IsDefined(auto))
        {
            throw new ArgumentOutOfRangeException(nameof(Auto), auto, "GepaOptions.Auto must be Light, Medium, Heavy or null.");
        }

        var set = (Auto is null ? 0 : 1) + (MaxMetricCalls is null ? 0 : 1) + (MaxFullEvals is null ? 0 : 1);
        if (set != 1)
        {
            throw new ArgumentException("Set exactly one of GepaOptions.Auto, MaxMetricCalls and MaxFullEvals (set Auto = null to give a number of calls or full evaluations).");
        }

        Check(MaxMetricCalls is null or >= 1, nameof(MaxMetricCalls), MaxMetricCalls, "at least 1");
        Check(MaxFullEvals is null or >= 1, nameof(MaxFullEvals), MaxFullEvals, "at least 1");
        Check(ReflectionMinibatchSize >= 1, nameof(ReflectionMinibatchSize), ReflectionMinibatchSize, "at least 1");
        Check(Enum.IsDefined(CandidateSelection), nameof(CandidateSelection), CandidateSelection, "Pareto or CurrentBest");
        Check(MaxMergeInvocations >= 0, nameof(MaxMergeInvocations), MaxMergeInvocations, "0 or more");
        Check(double.IsFinite(PerfectScore), nameof(PerfectScore), PerfectScore, "a finite number");
        Check(MaxParallelism >= 1, nameof(MaxParallelism), MaxParallelism, "at least 1");
    }

    private static void Check(bool ok, string name, object? value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"GepaOptions.{name} must be {rule}.");
        }
    }
}
