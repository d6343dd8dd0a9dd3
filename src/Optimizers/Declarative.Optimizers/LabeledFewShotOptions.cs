namespace Declarative.Optimizers;

/// <summary>Settings of <see cref="LabeledFewShot"/>.</summary>
public sealed class LabeledFewShotOptions
{
    /// <summary>How many training examples each predictor gets as demos (default 16, as DSPy); at least 0.</summary>
    public int K { get; init; } = 16;

    /// <summary>
    /// Whether to draw the demos from a seeded shuffle of the training set (default <see langword="true"/>, as DSPy);
    /// otherwise the first <see cref="K"/> examples are taken in order.
    /// </summary>
    public bool Sample { get; init; } = true;

    /// <summary>The seed of the shuffle (default 0, as DSPy's <c>random.Random(0)</c>; the order itself differs from Python's).</summary>
    public int Seed { get; init; }

    /// <summary>Checks the settings.</summary>
    internal void Validate()
    {
        if (K < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(K), K, "LabeledFewShotOptions.K must be 0 or more.");
        }
    }
}
