using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Declarative.Optimizers;

/// <summary>SIMBA's program sampling, buckets and the two strategies that build candidates.</summary>
public sealed partial class Simba
{
    /// <summary>The <paramref name="k"/> programs with the best average score, the baseline (0) always among them.</summary>
    private static List<int> TopPlusBaseline(List<(ProgramState State, List<double> Scores)> pool, int k)
    {
        var top = Enumerable.Range(0, pool.Count).OrderByDescending(i => Average(pool[i].Scores)).ThenBy(i => i).Take(k).ToList();
        if (!top.Contains(0))
        {
            top[^1] = 0;
        }

        return top.Distinct().ToList();
    }

    /// <summary>A program drawn with probability proportional to exp(average score / temperature).</summary>
    private static int SoftmaxSample(Random random, List<(ProgramState State, List<double> Scores)> pool, List<int> candidates, double temperature)
    {
        var scores = candidates.Select(i => Average(pool[i].Scores) / temperature).ToArray();
        var max = scores.Max();
        var weights = scores.Select(s => Math.Exp(s - max)).ToArray(); // shifted: the same distribution, no overflow
        var total = weights.Sum();
        return candidates[Categorical.Sample(random, weights.Select(w => w / total).ToArray())];
    }

    private static double Average(List<double> scores) => scores.Count == 0 ? 0 : scores.Average();

    /// <summary>
    /// The trajectories grouped per example, each group best first, the groups ordered by the gap between their best and
    /// worst score, then their best score, then the gap between their best and average score (largest first).
    /// </summary>
    private static List<List<Rollout>> Buckets(Rollout[] trajectories, int examples)
    {
        var buckets = new List<(List<Rollout> Bucket, double Gap, double Max, double AvgGap, int Example)>();
        for (var j = 0; j < examples; j++)
        {
            var bucket = trajectories.Where(t => t.Example == j).OrderByDescending(t => t.Score).ToList();
            var max = bucket[0].Score;
            buckets.Add((bucket, max - bucket[^1].Score, max, max - bucket.Average(t => t.Score), j));
        }

        return buckets.OrderByDescending(b => b.Gap).ThenByDescending(b => b.Max).ThenByDescending(b => b.AvgGap).ThenBy(b => b.Example).Select(b => b.Bucket).ToList();
    }

    /// <summary>Drops a Poisson-distributed number of demo positions from every predictor (at least one when one is full).</summary>
    private ProgramState DropDemos(ProgramState state, Random random)
    {
        var most = state.Predictors.Values.Max(p => p.Demos.Count);
        if (most == 0)
        {
            return state;
        }

        var limit = options.MaxDemos > 0 ? options.MaxDemos : 3;
        var count = Math.Min(most, Math.Max(Poisson.Sample(random, most / (double)limit), most >= limit ? 1 : 0));
        var drop = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            drop.Add(random.Next(most));
        }

        foreach (var (name, predictor) in state.Predictors)
        {
            state = SearchSteps.WithDemos(state, name, predictor.Demos.Where((_, i) => !drop.Contains(i)).ToList());
        }

        return state;
    }

    /// <summary>Append a demo: each call of the best trajectory becomes a demo of its predictor.</summary>
    private ProgramState? AppendDemo(ProgramState state, List<Rollout> bucket, double p10)
    {
        var good = bucket[0];
        if (good.Score <= p10 || good.Calls.Count == 0)
        {
            return null;
        }

        foreach (var call in good.Calls)
        {
            var inputs = call.Inputs.Select(p => new KeyValuePair<string, object?>(
                p.Key,
                p.Value is string s && s.Length > options.DemoInputFieldMaxLength ? s[..options.DemoInputFieldMaxLength] : p.Value));
            var demo = new Example(inputs.Concat(call.Outputs), call.Inputs.Keys);
            state = SearchSteps.WithDemos(state, call.Predictor, [.. state.Predictors[call.Predictor].Demos, demo]);
        }

        return state;
    }

    /// <summary>Append a rule: the prompt model compares the best and worst trajectories and advises each predictor.</summary>
    private async Task<ProgramState?> AppendRuleAsync(
        Module student,
        ProgramState state,
        List<Rollout> bucket,
        double p10,
        double p90,
        string key,
        OptimizationRun optimizationRun,
        RunContext context,
        CancellationToken cancellationToken)
    {
        var (good, bad) = (bucket[0], bucket[^1]);
        if (good.Score < p10 || bad.Score > p90)
        {
            return null;
        }

        var advisor = new Predict(ProposalSignatures.OfferAdvice) { Name = "simba.offer_advice" };
        foreach (var name in state.Predictors.Keys.ToList())
        {
            var current = state.Predictors[name].Instructions;
            var completions = await optimizationRun.ProposeAsync(
                $"{key}/advice/predictor={name}",
                advisor,
                new Dictionary<string, object?>
                {
                    ["program_structure"] = SearchSteps.DescribeStructure(student),
                    ["module_name"] = name,
                    ["current_instruction"] = current,
                    ["better_trajectory"] = Describe(good),
                    ["better_score"] = good.Score.ToString(CultureInfo.InvariantCulture),
                    ["worse_trajectory"] = Describe(bad),
                    ["worse_score"] = bad.Score.ToString(CultureInfo.InvariantCulture),
                },
                options.PromptModel ?? context,
                new CallSettings { RolloutId = key },
                cancellationToken).ConfigureAwait(false);
            var advice = SearchSteps.Text(completions[0], "advice");
            if (advice.Length > 0)
            {
                state = SearchSteps.WithInstruction(state, name, current + "\n\n" + advice);
            }
        }

        return state;
    }

    /// <summary>A trajectory as text: each call's inputs and outputs, then the final outputs, score and feedback.</summary>
    internal static string Describe(Rollout rollout)
    {
        var parts = rollout.Calls.Select(c =>
            $"{c.Predictor}\n  inputs: {string.Join("; ", c.Inputs.Select(p => $"{p.Key} = {SearchSteps.Show(p.Value)}"))}\n  outputs: {string.Join("; ", c.Outputs.Select(p => $"{p.Key} = {SearchSteps.Show(p.Value)}"))}").ToList();
        parts.Add($"final outputs: {string.Join("; ", rollout.Outputs.Select(p => $"{p.Key} = {SearchSteps.Show(p.Value)}"))}");
        if (rollout.Error is not null)
        {
            parts.Add($"error: {rollout.Error}");
        }

        if (rollout.Feedback is not null)
        {
            parts.Add($"feedback: {rollout.Feedback}");
        }

        return string.Join("\n", parts);
    }
}
