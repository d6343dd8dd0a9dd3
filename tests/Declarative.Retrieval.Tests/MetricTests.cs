using Declarative.Testing;

namespace Declarative.Retrieval.Tests;

public sealed class MetricTests
{
    [Fact]
    public void Recall_and_ndcg_match_hand_computed_values()
    {
        string[] ranked = ["x", "a", "y", "b", "z"];
        Assert.Equal(0.5, RankingMetrics.RecallAtK(ranked, ["a", "b"], 2));
        Assert.Equal(1.0, RankingMetrics.RecallAtK(ranked, ["a", "b"], 4));
        Assert.Equal(0.0, RankingMetrics.RecallAtK(ranked, ["q"], 5));
        var dcg = (1 / Math.Log2(3)) + (1 / Math.Log2(5));
        var ideal = 1 + (1 / Math.Log2(3));
        Assert.Equal(dcg / ideal, RankingMetrics.NdcgAtK(ranked, ["a", "b"], 5), 10);
        Assert.Equal(1.0, RankingMetrics.NdcgAtK(["a", "b", "x"], ["a", "b"], 3), 10);
        var graded = new Dictionary<string, double> { ["a"] = 2, ["b"] = 1 };
        Assert.True(RankingMetrics.NdcgAtK(["a", "b"], graded, 2) > RankingMetrics.NdcgAtK(["b", "a"], graded, 2));
        Assert.Throws<ArgumentException>(() => RankingMetrics.RecallAtK(ranked, [], 3));
    }

    [Fact]
    public async Task Context_precision_rewards_useful_contexts_ranked_first()
    {
        var judge = new RagasJudge();
        var lm = new ScriptedChatClient().Answer(("useful", false)).Answer(("useful", true)).Answer(("useful", true));
        var score = await judge.ContextPrecisionAsync("q", "ref", ["c1", "c2", "c3"], new RunContext(lm));
        Assert.Equal(((1 / 2.0) + (2 / 3.0)) / 2, score.Score, 10);
        Assert.Equal([false, true, true], score.Verdicts);
        Assert.Contains("c2", lm.Requests[1].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Context_recall_judges_each_reference_sentence()
    {
        var lm = new ScriptedChatClient().Answer(("attributed", new List<bool> { true, false, true }));
        var score = await new RagasJudge().ContextRecallAsync("Paris is the capital. It has 2M people! The Seine runs through it.", ["Paris is France's capital on the Seine."], new RunContext(lm));
        Assert.Equal(2 / 3.0, score.Score, 10);
        Assert.Equal(["Paris is the capital.", "It has 2M people!", "The Seine runs through it."], score.Items);
    }

    [Fact]
    public async Task Faithfulness_is_the_share_of_supported_claims_and_mismatched_verdicts_are_an_error()
    {
        var lm = new ScriptedChatClient()
            .Answer(("claims", new List<string> { "The port is 8080", "It needs root" }))
            .Answer(("supported", new List<bool> { true, false }));
        var score = await new RagasJudge().FaithfulnessAsync("port?", "The port is 8080 and it needs root.", ["Default port 8080."], new RunContext(lm));
        Assert.Equal(0.5, score.Score);
        Assert.Equal(["The port is 8080", "It needs root"], score.Items);
        Assert.Contains("It needs root", lm.Requests[1].Messages[^1].Text, StringComparison.Ordinal);

        var bad = new ScriptedChatClient().Answer(("claims", new List<string> { "a", "b" })).Answer(("supported", new List<bool> { true }));
        var ex = await Assert.ThrowsAsync<JudgeReplyException>(() => new RagasJudge().FaithfulnessAsync("q", "a b", ["c"], new RunContext(bad)));
        Assert.Contains("1 supported verdicts for 2 claims", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_relevancy_compares_generated_questions_with_the_question()
    {
        var embedder = new HashingEmbeddingGenerator();
        var on = new ScriptedChatClient().Answer(("questions", new List<string> { "what is the default port", "which port is default" }), ("noncommittal", false));
        var off = new ScriptedChatClient().Answer(("questions", new List<string> { "how do I bake bread", "when was rome founded" }), ("noncommittal", false));
        var evasive = new ScriptedChatClient().Answer(("questions", new List<string> { "what is the default port" }), ("noncommittal", true));
        var judge = new RagasJudge();
        var high = await judge.AnswerRelevancyAsync("what is the default port", "8080", embedder, new RunContext(on));
        var low = await judge.AnswerRelevancyAsync("what is the default port", "bread", embedder, new RunContext(off));
        Assert.True(high.Score > 0.7, $"relevant {high.Score}");
        Assert.True(low.Score < 0.2, $"irrelevant {low.Score}");
        Assert.Equal(0, (await judge.AnswerRelevancyAsync("what is the default port", "not sure", embedder, new RunContext(evasive))).Score);
    }
}
