namespace Declarative.Optimizers;

/// <summary>Settings of <see cref="Simba"/>; defaults as DSPy's <c>SIMBA</c>. Validated when the optimizer is built.</summary>
public sealed class SimbaOptions
{
    /// <summary>Examples per minibatch (default 32, DSPy's <c>bsize</c>); the training set must hold at least this many; at least 1.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Sampled trajectories per example, and new candidate programs per step (default 6, DSPy's <c>num_candidates</c>);
    /// at least 1.
    /// </summary>
    public int NumCandidates { get; init; } = 6;

    /// <summary>Optimization steps, one minibatch each (default 8, DSPy's <c>max_steps</c>); at least 1.</summary>
    public int MaxSteps { get; init; } = 8;

    /// <summary>
    /// The most demos a predictor holds before some are dropped (default 4, DSPy's <c>max_demos</c>); 0 disables the
    /// append-a-demo strategy, leaving append-a-rule; at least 0.
    /// </summary>
    public int MaxDemos { get; init; } = 4;

    /// <summary>Characters kept of each input value of a new demo (default 100,000); at least 1.</summary>
    public int DemoInputFieldMaxLength { get; init; } = 100_000;

    /// <summary>Softmax temperature for choosing which program runs a trajectory (default 0.2); greater than 0.</summary>
    public double TemperatureForSampling { get; init; } = 0.2;

    /// <summary>Softmax temperature for choosing the program a new candidate starts from (default 0.2); greater than 0.</summary>
    public double TemperatureForCandidates { get; init; } = 0.2;

    /// <summary>The seed for shuffles, program sampling, demo dropping and strategy choice (default 0, DSPy's).</summary>
    public int Seed { get; init; }

    /// <summary>The most program runs at once (default 8); at least 1.</summary>
    public int MaxParallelism { get; init; } = 8;

    /// <summary>The client that writes the rules (advice); <see langword="null"/> (default) for the task model's context.</summary>
    public RunContext? PromptModel { get; init; }

    internal void Validate()
    {
        Check(BatchSize >= 1, nameof(BatchSize), BatchSize, "at least 1");
        Check(NumCandidates >= 1, nameof(NumCandidates), NumCandidates, "at least 1");
        Check(MaxSteps >= 1, nameof(MaxSteps), MaxSteps, "at least 1");
        Check(MaxDemos >= 0, nameof(MaxDemos), MaxDemos, "0 or more");
        Check(DemoInputFieldMaxLength >= 1, nameof(DemoInputFieldMaxLength), DemoInputFieldMaxLength, "at least 1");
        Check(double.IsFinite(TemperatureForSampling) && TemperatureForSampling > 0, nameof(TemperatureForSampling), TemperatureForSampling, "greater than 0");
        Check(double.IsFinite(TemperatureForCandidates) && TemperatureForCandidates > 0, nameof(TemperatureForCandidates), TemperatureForCandidates, "greater than 0");
        Check(MaxParallelism >= 1, nameof(MaxParallelism), MaxParallelism, "at least 1");
    }

    private static void Check(bool ok, string name, object? value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"SimbaOptions.{name} must be {rule}.");
        }
    }
}
