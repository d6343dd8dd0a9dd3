using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

/// <summary>
/// GEPA's pool holds each program once. The model here is right on even questions under EVEN-RULE and on odd ones under
/// ODD-RULE; the reflection proposes ODD-RULE to a candidate that has EVEN-RULE and EVEN-RULE to any other, so after
/// both rules have joined the pool every reflection proposes a program the pool already holds — and on a minibatch the
/// parent gets wrong, that proposal beats its parent.
/// </summary>
public sealed partial class GepaPoolTests
{
    [Fact]
    public async Task A_proposal_that_beats_its_parent_but_is_already_in_the_pool_is_not_added_again()
    {
        var client = new AlternatingClient();
        var examples = SyntheticTaskClient.Examples(6);
        var result = await new Gepa(GepaTests.WithFeedback, new GepaOptions { Auto = null, MaxMetricCalls = 80, ReflectionMinibatchSize = 1, Seed = 3 })
            .OptimizeAsync(new Predict("question -> answer"), examples, examples, Optimizer.RunPredict, new RunContext(client), new OptimizationRun());

        var pool = result.Candidates.Where(c => c.FullEvaluation).ToList();
        var json = pool.Select(c => c.State.ToJson()).ToList();
        Assert.Equal(json.Distinct(StringComparer.Ordinal).Count(), json.Count); // no program twice
        Assert.Equal(3, pool.Count); // the seed, EVEN-RULE and ODD-RULE
        Assert.Equal([0, 50, 50], pool.Select(c => c.Score).Order());

        // Minibatch winners (right on the one example their parent got wrong) that did not join: proposals of a pooled program.
        var winners = result.Candidates.Where(c => !c.FullEvaluation && c.Score == 100).ToList();
        Assert.True(winners.Count > 2, $"expected duplicate proposals that beat their parent, found {winners.Count} winners");
        Assert.All(winners, w => Assert.Contains(w.State.ToJson(), json));
    }

    /// <summary>Answers the task by the rule in the instructions and proposes the other rule.</summary>
    private sealed partial class AlternatingClient : RuleChatClient
    {
        private const string Even = "EVEN-RULE: answer a and the number.";
        private const string Odd = "ODD-RULE: answer a and the number.";

        protected override Dictionary<string, object?> Reply(IReadOnlyList<ChatMessage> list)
        {
            var system = list[0].Text;
            Dictionary<string, object?> reply;
            if (system.Contains("`new_instruction`", StringComparison.Ordinal))
            {
                var current = CurrentInstruction().Match(list[^1].Text).Groups[1].Value;
                reply = new() { ["new_instruction"] = current.Contains("EVEN-RULE", StringComparison.Ordinal) ? Odd : Even };
            }
            else
            {
                var n = int.Parse(Question().Match(list[^1].Text).Groups[1].Value);
                var right = system.Contains(n % 2 == 0 ? "EVEN-RULE" : "ODD-RULE", StringComparison.Ordinal);
                reply = new() { ["answer"] = right ? $"a{n}" : "wrong" };
            }

            return reply;
        }

        [GeneratedRegex(@"\[\[ ## question ## \]\]\nq(\d+)")]
        private static partial Regex Question();

        [GeneratedRegex(@"\[\[ ## current_instruction ## \]\]\n([^\n]*)")]
        private static partial Regex CurrentInstruction();
    }
}
