namespace Declarative.Optimizers;

/// <summary>Settings of <see cref="MiproV2"/>; defaults as DSPy's <c>MIPROv2</c>. Validated when the optimizer is built.</summary>
public sealed class MiproOptions
{
    /// <summary>
    /// Sets the number of candidates, the number of trials and the validation-set size automatically (default
    /// <see cref="OptimizationIntensity.Light"/>, as DSPy): light n = 6 and at most 100 validation examples, medium
    /// n = 12 and 300, heavy n = 18 and 1,000. There are n demo sets and n/2 instructions per predictor (n instructions
    /// in zero-shot mode); trials = max(2 · v · log2 n, 1.5 · n) with v = 2 variables per predictor (1 in zero-shot
    /// mode); minibatches are used when the validation set has more than 50 examples. <see langword="null"/> for
    /// <see cref="NumCandidates"/> and <see cref="NumTrials"/>, which must then both be set (and must not be set otherwise).
    /// </summary>
    public OptimizationIntensity? Auto { get; init; } = OptimizationIntensity.Light;

    /// <summary>Instruction candidates and demo sets per predictor when <see cref="Auto"/> is <see langword="null"/>; at least 1.</summary>
    public int? NumCandidates { get; init; }

    /// <summary>Search trials when <see cref="Auto"/> is <see langword="null"/>; at least 1.</summary>
    public int? NumTrials { get; init; }

    /// <summary>Bootstrapped demos per demo set (default 4); 0 together with <see cref="MaxLabeledDemos"/> 0 is zero-shot mode (instructions only).</summary>
    public int MaxBootstrappedDemos { get; init; } = 4;

    /// <summary>Labeled demos per demo set (default 4); at least 0.</summary>
    public int MaxLabeledDemos { get; init; } = 4;

    /// <summary>Whether trials are scored on minibatches of the validation set (default <see langword="true"/>); with a validation set no larger than a minibatch, every trial is a full evaluation.</summary>
    public bool Minibatch { get; init; } = true;

    /// <summary>Examples per minibatch (default 35); at least 1.</summary>
    public int MinibatchSize { get; init; } = 35;

    /// <summary>
    /// Every this many trials (and after the last), the configuration with the best average minibatch score that has
    /// not been fully evaluated is scored on the whole validation set (default 5); at least 1.
    /// </summary>
    public int MinibatchFullEvalSteps { get; init; } = 5;

    /// <summary>The prompt model's temperature for instruction proposals (default 1.0); 0 to 2.</summary>
    public double InitTemperature { get; init; } = 1.0;

    /// <summary>The seed for shuffles, tips, minibatches and the sampler (default 9, DSPy's).</summary>
    public int Seed { get; init; } = 9;

    /// <summary>Training examples shown per dataset-summary request (default 10); at least 1.</summary>
    public int ViewDataBatchSize { get; init; } = 10;

    /// <summary>Whether proposals see a description of the program (default <see langword="true"/>).</summary>
    public bool ProgramAwareProposer { get; init; } = true;

    /// <summary>Whether proposals see a summary of the training data (default <see langword="true"/>).</summary>
    public bool DataAwareProposer { get; init; } = true;

    /// <summary>Whether each proposal gets a randomly chosen prompting tip (default <see langword="true"/>).</summary>
    public bool TipAwareProposer { get; init; } = true;

    /// <summary>Whether proposals see a demo set of their predictor (default <see langword="true"/>).</summary>
    public bool FewshotAwareProposer { get; init; } = true;

    /// <summary>A bootstrapped trace passes when the metric scores at least this; <see langword="null"/> (default) means above 0.</summary>
    public double? MetricThreshold { get; init; }

    /// <summary>Bootstrapping stops with an <see cref="OptimizationException"/> after this many failed examples (default 10).</summary>
    public int MaxErrors { get; init; } = 10;

    /// <summary>Random trials before the sampler models the scores (default 10, Optuna's; the baseline and full evaluations count as trials, as in DSPy); at least 0.</summary>
    public int TpeStartupTrials { get; init; } = 10;

    /// <summary>The most examples scored at once (default 8); at least 1.</summary>
    public int MaxParallelism { get; init; } = 8;

    /// <summary>The client that writes summaries and instructions (DSPy's <c>prompt_model</c>); <see langword="null"/> (default) for the task model's context.</summary>
    public RunContext? PromptModel { get; init; }

    /// <summary>
    /// The client the bootstrapping teacher runs with when the demo sets are built
    /// (<see cref="BootstrapFewShotOptions.TeacherClient"/>); <see langword="null"/> (the default) for the task model.
    /// </summary>
    public Microsoft.Extensions.AI.IChatClient? TeacherClient { get; init; }

    internal bool ZeroShot => MaxBootstrappedDemos == 0 && MaxLabeledDemos == 0;

    internal void Validate()
    {
        if (Auto is { } auto && !Enum.IsDefined(auto))
        {
            throw new ArgumentOutOfRangeException(nameof(Auto), auto, "MiproOptions.Auto must be Light, Medium, Heavy or null.");
        }

        if (Auto is not null && (NumCandidates is not null || NumTrials is not null))
        {
            throw new ArgumentException("MiproOptions.Auto sets NumCandidates and NumTrials; set Auto = null to choose them yourself, or leave them unset.");
        }

        if (Auto is null && (NumCandidates is null || NumTrials is null))
        {
            throw new ArgumentException("With MiproOptions.Auto = null, set both NumCandidates and NumTrials (for example 6 and 10), or set Auto.");
        }

        Check(NumCandidates is null or >= 1, nameof(NumCandidates), NumCandidates, "at least 1");
        Check(NumTrials is null or >= 1, nameof(NumTrials), NumTrials, "at least 1");
        Check(MaxBootstrappedDemos >= 0, nameof(MaxBootstrappedDemos), MaxBootstrappedDemos, "0 or more");
        Check(MaxLabeledDemos >= 0, nameof(MaxLabeledDemos), MaxLabeledDemos, "0 or more");
        Check(MinibatchSize >= 1, nameof(MinibatchSize), MinibatchSize, "at least 1");
        Check(MinibatchFullEvalSteps >= 1, nameof(MinibatchFullEvalSteps), MinibatchFullEvalSteps, "at least 1");
        Check(double.IsFinite(InitTemperature) && InitTemperature is >= 0 and <= 2, nameof(InitTemperature), InitTemperature, "between 0 and 2");
        Check(ViewDataBatchSize >= 1, nameof(ViewDataBatchSize), ViewDataBatchSize, "at least 1");
        Check(MetricThreshold is null || double.IsFinite(MetricThreshold.Value), nameof(MetricThreshold), MetricThreshold, "a finite number or null");
        Check(MaxErrors >= 1, nameof(MaxErrors), MaxErrors, "at least 1");
        Check(TpeStartupTrials >= 0, nameof(TpeStartupTrials), TpeStartupTrials, "0 or more");
        Check(MaxParallelism >= 1, nameof(MaxParallelism), MaxParallelism, "at least 1");
    }

    private static void Check(bool ok, string name, object? value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"MiproOptions.{name} must be {rule}.");
        }
    }
}
