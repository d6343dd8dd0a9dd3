using System.Globalization;

namespace Declarative.Optimizers;

/// <summary>GEPA's merge: two candidates on the Pareto front that improved different predictors from a common ancestor are combined.</summary>
public sealed partial class Gepa
{
    private sealed partial class Search<TProgram>
    {
        private const int MergeSubsample = 5;
        private readonly HashSet<(int, int)> triedMerges = [];

        /// <summary>
        /// Tries one merge: per predictor, the instruction from whichever candidate changed it since their most recent
        /// common ancestor (from the one with the better average when both did). The merge is scored on a few validation
        /// examples and, when it does at least as well there as both parents, on the whole set. True when a merge was tried.
        /// </summary>
        private async Task<bool> MergeAsync(int iteration, CancellationToken cancellationToken)
        {
            var front = ParetoFront.Front(pool.Select(c => (IReadOnlyList<double>)c.Scores).ToList()).Select(f => f.Candidate).ToList();
            var pairs = new List<(int A, int B, int Ancestor)>();
            for (var x = 0; x < front.Count; x++)
            {
                for (var y = x + 1; y < front.Count; y++)
                {
                    var (a, b) = (front[x], front[y]);
                    var (ancestorsA, ancestorsB) = (Ancestors(a), Ancestors(b));
                    if (triedMerges.Contains((a, b)) || ancestorsA.Contains(b) || ancestorsB.Contains(a))
                    {
                        continue;
                    }

                    var common = ancestorsA.Intersect(ancestorsB).DefaultIfEmpty(-1).Max();
                    if (common >= 0)
                    {
                        pairs.Add((a, b, common));
                    }
                }
            }

            if (pairs.Count == 0)
            {
                return false;
            }

            var (left, right, ancestor) = pairs[random.Next(pairs.Count)];
            triedMerges.Add((left, right));
            var merged = pool[left].State;
            var (fromLeft, fromRight) = (false, false);
            foreach (var name in names)
            {
                var original = pool[ancestor].State.Predictors[name].Instructions;
                var l = pool[left].State.Predictors[name].Instructions;
                var r = pool[right].State.Predictors[name].Instructions;
                if (r != original && (l == original || pool[right].Average > pool[left].Average))
                {
                    merged = SearchSteps.WithInstruction(merged, name, r);
                    fromRight = true;
                }
                else if (l != original)
                {
                    fromLeft = true;
                }
            }

            if (!fromLeft || !fromRight || Contains(merged))
            {
                return false; // the pair changed the same predictors, or the combination is already in the pool
            }

            var sample = ProgramDemos.Sample(random, Enumerable.Range(0, valset.Count).ToList(), Math.Min(MergeSubsample, valset.Count));
            var key = $"gepa/iteration={iteration}/merge";
            var rollouts = await optimizationRun.EvaluateAsync(
                $"{key}/subsample/eval", student.WithState(merged), sample.Select(i => valset[i]).ToList(), run, context, owner.Metric, options.MaxParallelism, false, cancellationToken).ConfigureAwait(false);
            metricCalls += sample.Count;
            var details = new Dictionary<string, string>
            {
                ["iteration"] = iteration.ToString(CultureInfo.InvariantCulture),
                ["merge_of"] = $"{left}+{right}",
                ["ancestor"] = ancestor.ToString(CultureInfo.InvariantCulture),
            };
            await optimizationRun.AddCandidateAsync(
                SearchSteps.Candidate(index++, $"merge after iteration {iteration}, subsample", rollouts, false, merged, details), cancellationToken).ConfigureAwait(false);
            var parentsBest = Math.Max(sample.Sum(i => pool[left].Scores[i]), sample.Sum(i => pool[right].Scores[i]));
            if (rollouts.Sum(r => r.Score) >= parentsBest)
            {
                await AddAsync(merged, [left, right], $"merge after iteration {iteration}", $"{key}/full-eval", details, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }

        /// <summary>Every proper ancestor of a pool candidate.</summary>
        private HashSet<int> Ancestors(int candidate)
        {
            var seen = new HashSet<int>();
            var stack = new Stack<int>(pool[candidate].Parents);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                if (seen.Add(p))
                {
                    foreach (var q in pool[p].Parents)
                    {
                        stack.Push(q);
                    }
                }
            }

            return seen;
        }
    }
}
