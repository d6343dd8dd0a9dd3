using MathNet.Numerics.Distributions;

namespace Declarative.Optimizers;

/// <summary>
/// GEPA's Pareto selection over per-example validation scores: a candidate stays when it has the best score on at least
/// one example and no other candidate leads on every example it leads (and more, or as many with a better average);
/// one is drawn in proportion to the number of examples it leads.
/// </summary>
internal static class ParetoFront
{
    /// <summary>The non-dominated candidates with how many examples each leads, in candidate order.</summary>
    public static List<(int Candidate, int Leads)> Front(IReadOnlyList<IReadOnlyList<double>> scores)
    {
        var examples = scores[0].Count;
        var leads = new HashSet<int>[scores.Count];
        for (var c = 0; c < scores.Count; c++)
        {
            leads[c] = [];
        }

        for (var k = 0; k < examples; k++)
        {
            var best = scores.Max(s => s[k]);
            for (var c = 0; c < scores.Count; c++)
            {
                if (scores[c][k] == best)
                {
                    leads[c].Add(k);
                }
            }
        }

        var averages = scores.Select(s => s.Count == 0 ? 0 : s.Average()).ToArray();
        var front = new List<(int, int)>();
        for (var c = 0; c < scores.Count; c++)
        {
            if (leads[c].Count == 0)
            {
                continue;
            }

            var dominated = Enumerable.Range(0, scores.Count).Any(d => d != c && leads[c].IsSubsetOf(leads[d])
                && (leads[d].Count > leads[c].Count || averages[d] > averages[c] || (averages[d] == averages[c] && d < c)));
            if (!dominated)
            {
                front.Add((c, leads[c].Count));
            }
        }

        return front;
    }

    /// <summary>A candidate from the front, drawn with probability proportional to the examples it leads.</summary>
    public static int Sample(Random random, IReadOnlyList<IReadOnlyList<double>> scores)
    {
        var front = Front(scores);
        var total = (double)front.Sum(f => f.Leads);
        return front[Categorical.Sample(random, front.Select(f => f.Leads / total).ToArray())].Candidate;
    }
}
