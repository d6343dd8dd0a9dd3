namespace Declarative.Optimizers;

/// <summary>Settings of <see cref="BootstrapFewShot"/>; defaults as DSPy's.</summary>
public sealed class BootstrapFewShotOptions
{
    /// <summary>How many training examples whose traces passed the metric become demos (default 4); at least 0.</summary>
    public int MaxBootstrappedDemos { get; init; } = 4;

    /// <summary>
    /// The most demos a predictor gets in all: labeled examples fill up to this after the bootstrapped ones, and the
    /// default teacher is the student with this many labeled demos (default 16); at least 0.
    /// </summary>
    public int MaxLabeledDemos { get; init; } = 16;

    /// <summary>
    /// How many attempts each training example gets (default 1). Attempts after the first use a fresh rollout id
    /// (the round number) and temperature 1.0, so they bypass the cache; at least 1.
    /// </summary>
    public int MaxRounds { get; init; } = 1;

    /// <summary>The run fails with an <see cref="OptimizationException"/> when this many examples have thrown (default 10, DSPy's <c>settings.max_errors</c>); at least 1.</summary>
    public int MaxErrors { get; init; } = 10;

    /// <summary>A trace passes when the metric scores at least this; <see langword="null"/> (default) means any score above 0.</summary>
    public double? MetricThreshold { get; init; }

    /// <summary>The seed for sampling the labeled demos and choosing among repeated calls of a predictor (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>
    /// How many training examples are bootstrapped at once (default 1: one after another). Only examples a one-by-one
    /// pass would try anyway run together (at most the number of demos still needed), and their results are taken in
    /// training order, so the demos and the LM calls are the same as one after another; at least 1.
    /// </summary>
    public int MaxParallelism { get; init; } = 1;

    /// <summary>
    /// The client the teacher runs with, when it should differ from the student's (DSPy's teacher settings with another
    /// LM: a stronger model writes the traces that become demos); <see langword="null"/> (the default) for the context
    /// the optimizer is given. The adapter, logger and call defaults still come from that context.
    /// </summary>
    public Microsoft.Extensions.AI.IChatClient? TeacherClient { get; init; }

    /// <summary>Checks the settings.</summary>
    internal void Validate()
    {
        if (MaxBootstrappedDemos < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBootstrappedDemos), MaxBootstrappedDemos, "BootstrapFewShotOptions.MaxBootstrappedDemos must be 0 or more.");
        }

        if (MaxLabeledDemos < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLabeledDemos), MaxLabeledDemos, "BootstrapFewShotOptions.MaxLabeledDemos must be 0 or more.");
        }

        if (MaxRounds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRounds), MaxRounds, "BootstrapFewShotOptions.MaxRounds must be at least 1.");
        }

        if (MaxErrors < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxErrors), MaxErrors, "BootstrapFewShotOptions.MaxErrors must be at least 1.");
        }

        if (MaxParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxParallelism), MaxParallelism, "BootstrapFewShotOptions.MaxParallelism must be at least 1.");
        }

        if (MetricThreshold is { } t && !double.IsFinite(t))
        {
            throw new ArgumentOutOfRangeException(nameof(MetricThreshold), t, "BootstrapFewShotOptions.MetricThreshold must be a finite number or null.");
        }
    }
}
