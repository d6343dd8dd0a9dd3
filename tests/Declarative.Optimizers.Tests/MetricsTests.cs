using Declarative.Testing;

namespace Declarative.Optimizers.Tests;

public class MetricsTests
{
    private static Prediction Predicted(string field, object? value) =>
        new(new Dictionary<string, object?> { [field] = value }, string.Empty, "test", null);

    private static async Task<double> ScoreAsync(Metric metric, object? label, object? predicted, string field = "answer") =>
        (await metric(Example.Of(("question", "q"), (field, label)).WithInputs("question"), Predicted(field, predicted), default)).Score;

    [Theory]
    [InlineData("The Eiffel Tower!", "eiffel tower")]
    [InlineData("  An   apple, a day. ", "apple day")]
    [InlineData("Theatre", "theatre")] // articles only as whole words
    [InlineData("anthem of the U.S.A.", "anthem of usa")]
    [InlineData("Café", "cafe\u0301")] // NFD, as DSPy does it
    public void Normalization_follows_dspy(string text, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(text));

    [Fact]
    public async Task Normalized_exact_match_accepts_any_listed_answer()
    {
        var metric = Metrics.NormalizedExactMatch();
        Assert.Equal(1, await ScoreAsync(metric, "Paris", "paris."));
        Assert.Equal(1, await ScoreAsync(metric, new List<object?> { "Lutetia", "The City of Paris" }, "city of paris"));
        Assert.Equal(0, await ScoreAsync(metric, "Paris", "Paris, France"));
    }

    [Fact]
    public async Task Strict_exact_match_ignores_only_surrounding_whitespace()
    {
        var metric = Metrics.ExactMatch();
        Assert.Equal(1, await ScoreAsync(metric, "Paris", " Paris\n"));
        Assert.Equal(0, await ScoreAsync(metric, "Paris", "paris"));
        Assert.Equal(1, await ScoreAsync(metric, 42L, 42));
    }

    [Theory]
    [InlineData("the cat sat", "a cat sat down", 0.8)] // p = 2/2, r = 2/3
    [InlineData("Paris", "Paris", 1.0)]
    [InlineData("London", "Paris", 0.0)]
    [InlineData("", "", 0.0)] // DSPy's edge case: no shared tokens gives 0
    [InlineData("x b b", "b b c", 2.0 / 3)]
    [InlineData("a b b", "b b c", 0.8)] // "a" is an article, so p = 2/2, r = 2/3
    public void Token_f1_is_squad_f1(string prediction, string reference, double expected) =>
        Assert.Equal(expected, Metrics.TokenF1Score(prediction, reference), 6);

    [Fact]
    public async Task Token_f1_takes_the_best_reference()
    {
        Assert.Equal(1, await ScoreAsync(Metrics.TokenF1(), new[] { "nope", "blue whale" }, "The blue whale"), 6);
    }

    [Fact]
    public async Task A_missing_output_throws_with_the_fields_it_has()
    {
        var ex = await Assert.ThrowsAsync<KeyNotFoundException>(() => ScoreAsync(Metrics.ExactMatch("answer"), "x", "y", field: "other"));
        Assert.Contains("'answer'", ex.Message);
    }

    [Fact]
    public async Task Semantic_f1_is_the_harmonic_mean_of_the_judges_recall_and_precision()
    {
        var judge = new ScriptedChatClient().Answer(("reasoning", "Both name Paris; the response adds France."), ("recall", 1.0), ("precision", 0.5));
        var metric = Metrics.SemanticF1(judge);
        var example = Example.Of(("question", "Capital of France?"), ("response", "Paris")).WithInputs("question");
        var result = await metric(example, Predicted("response", "Paris, in France"), default);
        Assert.Equal(2 * 0.5 / 1.5, result.Score, 6);
        Assert.StartsWith("recall 1, precision 0.5: Both name Paris", result.Feedback);
        var prompt = string.Join("\n", judge.Requests.Single().Messages.Select(m => m.Text));
        Assert.Contains("Capital of France?", prompt);
        Assert.Contains("Paris, in France", prompt);
        Assert.Contains("ground_truth", prompt);
    }

    [Fact]
    public async Task Semantic_f1_clamps_out_of_range_judgements()
    {
        var judge = new ScriptedChatClient().Answer(("reasoning", "r"), ("recall", 1.7), ("precision", -0.2));
        var result = await Metrics.SemanticF1(judge)(Example.Of(("question", "q"), ("response", "a")), Predicted("response", "b"), default);
        Assert.Equal(0, result.Score);
    }

    [Fact]
    public async Task Delegates_become_metrics()
    {
        var example = Example.Of(("answer", "x"));
        Assert.Equal(1, (await Metrics.FromDelegate((e, p) => true)(example, Predicted("answer", "x"), default)).Score);
        Assert.Equal(0.25, (await Metrics.FromDelegate((e, p) => 0.25)(example, Predicted("answer", "x"), default)).Score);
        var withFeedback = await Metrics.FromDelegate((e, p) => new MetricResult(0.5, "half"))(example, Predicted("answer", "x"), default);
        Assert.Equal("half", withFeedback.Feedback);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricResult(double.NaN));
    }
}
