namespace Declarative.Optimizers.Tests;

public sealed class TpeSamplerTests
{
    /// <summary>Best at (3, 1); each parameter contributes on its own, plus a small tilt so categories differ.</summary>
    private static double Objective(int[] c) => (c[0] == 3 ? 0.6 : 0) + (c[1] == 1 ? 0.4 : 0) + (0.01 * ((c[0] + c[1]) % 3));

    private static int Hits(TpeSampler sampler, int trials)
    {
        var hits = 0;
        for (var t = 0; t < trials; t++)
        {
            var config = sampler.Suggest();
            hits += config is [3, 1] ? 1 : 0;
            sampler.Tell(config, Objective(config));
        }

        return hits;
    }

    [Fact]
    public void Tpe_concentrates_on_the_best_categories_faster_than_random_search()
    {
        var tpe = 0;
        var random = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            tpe += Hits(new TpeSampler([8, 8], seed, startupTrials: 5), 30);
            random += Hits(new TpeSampler([8, 8], seed, startupTrials: int.MaxValue), 30); // never leaves the random phase
        }

        Assert.True(tpe > 3 * Math.Max(1, random), $"TPE hit the optimum {tpe} times, random search {random} times.");
    }

    [Fact]
    public void Tpe_with_the_same_seed_and_scores_suggests_the_same_configurations()
    {
        static List<string> Run(int seed)
        {
            var sampler = new TpeSampler([5, 3, 4], seed, startupTrials: 4);
            var seen = new List<string>();
            for (var t = 0; t < 25; t++)
            {
                var config = sampler.Suggest();
                seen.Add(string.Join(",", config));
                sampler.Tell(config, config[0] - Math.Abs(config[1] - 1) + (config[2] * 0.1));
            }

            return seen;
        }

        Assert.Equal(Run(11), Run(11));
        Assert.NotEqual(Run(11), Run(12));
    }

    [Fact]
    public void Tpe_suggests_only_valid_categories_and_rejects_bad_settings()
    {
        var sampler = new TpeSampler([1, 2], 0, startupTrials: 1);
        for (var t = 0; t < 10; t++)
        {
            var config = sampler.Suggest();
            Assert.Equal(0, config[0]);
            Assert.InRange(config[1], 0, 1);
            sampler.Tell(config, config[1]);
        }

        Assert.Equal(10, sampler.TrialCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TpeSampler([0], 0));
        Assert.Throws<ArgumentException>(() => sampler.Tell([0], 1));
    }
}
