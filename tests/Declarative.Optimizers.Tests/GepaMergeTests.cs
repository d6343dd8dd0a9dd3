using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

/// <summary>
/// GEPA's merge on a routed task: even questions go to predictor <c>first</c>, odd ones to <c>second</c>. The rule
/// EVEN-RULE makes <c>first</c> right on even questions except q4 (which it answers right only without the rule);
/// ODD-RULE makes <c>second</c> right on odd questions. Improving each predictor gives two lineages that lead on
/// different examples; the merge combines their instructions.
/// </summary>
public sealed partial class GepaMergeTests
{
    [Fact]
    public async Task Gepa_merges_two_candidates_that_improved_different_predictors()
    {
        var context = new RunContext(new RoutedClient());
        var examples = SyntheticTaskClient.Examples(6);
        var result = await new Gepa(GepaTests.WithFeedback, new GepaOptions { Auto = null, MaxMetricCalls = 150, ReflectionMinibatchSize = 2, Seed = 9 })
            .OptimizeAsync(new Routed(), examples, examples, Routed.Run, context, new OptimizationRun());

        var merges = result.Candidates.Where(c => c.Details.ContainsKey("merge_of")).ToList();
        Assert.NotEmpty(merges);
        var merged = merges[0].State;
        Assert.Contains("EVEN-RULE", merged.Predictors["first"].Instructions, StringComparison.Ordinal);
        Assert.Contains("ODD-RULE", merged.Predictors["second"].Instructions, StringComparison.Ordinal);
        Assert.Contains(merges, m => m.FullEvaluation && m.Score == 83.33); // right everywhere but q4, better than either parent
        Assert.Equal(83.33, result.Score);
    }

    internal sealed class Routed : Module
    {
        public Predict First { get; init; } = new("question -> answer") { Name = "first" };

        public Predict Second { get; init; } = new("question -> answer") { Name = "second" };

        public static Task<Prediction> Run(Routed program, Example example, RunContext context, CancellationToken ct) =>
            (int.Parse(((string)example["question"]!)[1..]) % 2 == 0 ? program.First : program.Second).InvokeAsync(example.Inputs(), context, null, ct);
    }

    internal static IChatClient Client() => new RoutedClient();

    private sealed partial class RoutedClient : RuleChatClient
    {
        protected override Dictionary<string, object?> Reply(IReadOnlyList<ChatMessage> list)
        {
            var system = list[0].Text;
            Dictionary<string, object?> reply;
            if (system.Contains("`new_instruction`", StringComparison.Ordinal))
            {
                // Reflect: the rule for whichever side the examples came from.
                var first = int.Parse(Question().Match(list[^1].Text).Groups[1].Value);
                reply = new() { ["new_instruction"] = first % 2 == 0 ? "EVEN-RULE: answer a and the number." : "ODD-RULE: answer a and the number." };
            }
            else
            {
                var n = int.Parse(Question().Match(list[^1].Text).Groups[1].Value);
                var right = n % 2 == 1 ? system.Contains("ODD-RULE", StringComparison.Ordinal)
                    : n == 4 ? !system.Contains("EVEN-RULE", StringComparison.Ordinal)
                    : system.Contains("EVEN-RULE", StringComparison.Ordinal);
                reply = new() { ["answer"] = right ? $"a{n}" : "wrong" };
            }

            return reply;
        }

        [GeneratedRegex(@"q(\d+)")]
        private static partial Regex Question();
    }
}
