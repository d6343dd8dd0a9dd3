namespace Declarative;

/// <summary>Options of <see cref="BestOfN{TModule}"/> and <see cref="Refine{TModule}"/>; validated once when the module is built.</summary>
public sealed class RolloutOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="n">The most attempts (DSPy's <c>N</c>), at least 1.</param>
    /// <param name="reward">Scores a prediction given the inputs; higher is better.</param>
    /// <param name="threshold">The first attempt whose reward reaches it is returned at once.</param>
    public RolloutOptions(int n, Func<IReadOnlyDictionary<string, object?>, Prediction, double> reward, double threshold)
    {
        N = n;
        Reward = reward;
        Threshold = threshold;
        FailCount = n;
    }

    /// <summary>The most attempts.</summary>
    public int N { get; }

    /// <summary>Scores a prediction given the program's inputs; higher is better. It is not traced.</summary>
    public Func<IReadOnlyDictionary<string, object?>, Prediction, double> Reward { get; }

    /// <summary>The reward that ends the loop at once.</summary>
    public double Threshold { get; }

    /// <summary>
    /// How many failed attempts (the module threw) are tolerated (default <see cref="N"/>, as DSPy). The attempt that
    /// fails when this many have already failed rethrows its error. When every attempt fails within the count, the run
    /// throws <see cref="AttemptsFailedException"/> (DSPy returns <c>None</c>). Unlike DSPy, the count is per run: it
    /// is not decremented on the module.
    /// </summary>
    public int FailCount { get; init; }

    /// <summary>
    /// For <see cref="Refine{TModule}"/>: what the feedback model is told about the reward (DSPy sends the reward
    /// function's source code, which .NET does not have). Default: a generic sentence.
    /// </summary>
    public string RewardDescription { get; init; } = "A reward function scoring the program's outputs; higher is better.";

    internal void Validate()
    {
        if (N < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(N), N, "N must be at least 1.");
        }

        ArgumentNullException.ThrowIfNull(Reward, nameof(Reward));
        if (FailCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FailCount), FailCount, "FailCount must be 0 or more.");
        }

        if (double.IsNaN(Threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "Threshold must be a number.");
        }

        ArgumentNullException.ThrowIfNull(RewardDescription, nameof(RewardDescription));
    }
}
