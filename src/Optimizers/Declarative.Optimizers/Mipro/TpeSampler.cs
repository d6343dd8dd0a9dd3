using MathNet.Numerics.Distributions;

namespace Declarative.Optimizers;

/// <summary>
/// A Tree-structured Parzen Estimator over categorical parameters (the sampler MIPROv2 uses through Optuna), written
/// on MathNet.Numerics. After <c>startupTrials</c> uniformly random suggestions, the trials so far are split by score
/// into the best γ (at least one) and the rest; for each parameter, a Parzen estimator over its categories is fitted
/// to each group — l(x) to the good trials, g(x) to the others, each a category count smoothed by a prior of
/// <c>priorWeight</c> spread evenly over the categories — and, of <c>candidates</c> values drawn from l(x), the one
/// with the largest l(x)/g(x) (the expected-improvement criterion) is suggested.
/// </summary>
/// <remarks>
/// Parameters are modelled independently (Optuna's default, univariate TPE; DSPy asks for the multivariate variant).
/// All randomness comes from one <see cref="Random"/> seeded at construction, so the same seed and the same reported
/// scores give the same suggestions. Not thread-safe.
/// </remarks>
internal sealed class TpeSampler
{
    private readonly int[] cardinalities;
    private readonly Random random;
    private readonly int startupTrials;
    private readonly double gamma;
    private readonly double priorWeight;
    private readonly int candidates;
    private readonly List<(int[] Config, double Score)> trials = [];

    /// <summary>Creates a sampler.</summary>
    /// <param name="cardinalities">How many categories each parameter has (each at least 1).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="startupTrials">Trials suggested uniformly at random before the model is used (Optuna's default 10).</param>
    /// <param name="gamma">The fraction of trials counted as good (default 0.25, Hyperopt's).</param>
    /// <param name="priorWeight">The weight of the uniform prior in each estimator (Optuna's default 1).</param>
    /// <param name="candidates">Values drawn from l(x) per parameter and suggestion (Optuna's default 24).</param>
    public TpeSampler(IReadOnlyList<int> cardinalities, int seed, int startupTrials = 10, double gamma = 0.25, double priorWeight = 1.0, int candidates = 24)
    {
        ArgumentNullException.ThrowIfNull(cardinalities);
        if (cardinalities.Any(c => c < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(cardinalities), "Every parameter needs at least one category.");
        }

        if (gamma is <= 0 or > 1 || priorWeight <= 0 || candidates < 1 || startupTrials < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), "TPE settings out of range: 0 < gamma <= 1, priorWeight > 0, candidates >= 1, startupTrials >= 0.");
        }

        this.cardinalities = [.. cardinalities];
        random = new Random(seed);
        this.startupTrials = startupTrials;
        this.gamma = gamma;
        this.priorWeight = priorWeight;
        this.candidates = candidates;
    }

    /// <summary>How many trials were reported.</summary>
    public int TrialCount => trials.Count;

    /// <summary>Suggests a category for each parameter.</summary>
    /// <returns>One index per parameter.</returns>
    public int[] Suggest()
    {
        var config = new int[cardinalities.Length];
        if (trials.Count < startupTrials)
        {
            for (var p = 0; p < config.Length; p++)
            {
                config[p] = random.Next(cardinalities[p]);
            }

            return config;
        }

        // Best first; the earlier trial first on a tie, so the split is deterministic.
        var ordered = trials.Select((t, i) => (t.Config, t.Score, i)).OrderByDescending(t => t.Score).ThenBy(t => t.i).ToList();
        var goodCount = Math.Max(1, (int)Math.Ceiling(gamma * ordered.Count));
        var good = ordered.Take(goodCount).Select(t => t.Config).ToList();
        var bad = ordered.Skip(goodCount).Select(t => t.Config).ToList();
        for (var p = 0; p < config.Length; p++)
        {
            var l = Parzen(good, p);
            var g = Parzen(bad, p);
            var bestRatio = double.NegativeInfinity;
            for (var k = 0; k < candidates; k++)
            {
                var c = Categorical.Sample(random, l);
                var ratio = Math.Log(l[c]) - Math.Log(g[c]);
                if (ratio > bestRatio)
                {
                    bestRatio = ratio;
                    config[p] = c;
                }
            }
        }

        return config;
    }

    /// <summary>Reports a trial's score (higher is better).</summary>
    /// <param name="config">The categories tried, one per parameter.</param>
    /// <param name="score">The score.</param>
    public void Tell(IReadOnlyList<int> config, double score)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Count != cardinalities.Length)
        {
            throw new ArgumentException($"A configuration needs {cardinalities.Length} values.", nameof(config));
        }

        trials.Add(([.. config], score));
    }

    /// <summary>The smoothed category distribution of parameter <paramref name="p"/> over <paramref name="observations"/>.</summary>
    private double[] Parzen(List<int[]> observations, int p)
    {
        var k = cardinalities[p];
        var mass = new double[k];
        Array.Fill(mass, priorWeight / k);
        foreach (var o in observations)
        {
            mass[o[p]] += 1;
        }

        var total = observations.Count + priorWeight;
        for (var c = 0; c < k; c++)
        {
            mass[c] /= total;
        }

        return mass;
    }
}
