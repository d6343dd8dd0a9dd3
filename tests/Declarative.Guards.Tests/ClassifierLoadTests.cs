using System.Text;

namespace Declarative.Guards.Tests;

/// <summary><see cref="InjectionClassifier.Load"/>: weights from a stream, as an application ships its own.</summary>
public sealed class ClassifierLoadTests
{
    private static MemoryStream Json(string json) => new(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task Weights_written_by_guard_train_load_from_a_stream_and_score()
    {
        using var embeddings = new KeywordEmbeddings("PAYLOAD", []);
        // A two-dimensional head that reads the keyword's coordinate: the keyword text scores high, any other low.
        using var weights = Json("""{"embedding_model":"keyword","bias":-2,"weights":[8,0],"training":{"corpus":"test"}}""");
        var classifier = InjectionClassifier.Load(weights, embeddings);
        Assert.Equal("keyword", classifier.Model.EmbeddingModel);
        Assert.Equal([8f, 0f], classifier.Model.Weights);
        Assert.Equal(-2, classifier.Model.Bias);
        var scores = await classifier.ScoreAsync(["do PAYLOAD now", "the museum opens at nine"]);
        Assert.True(scores[0] > 0.9 && scores[1] < 0.2, $"scores {scores[0]:0.000}, {scores[1]:0.000}");
        Assert.True(weights.CanRead, "Load must leave the caller's stream open.");
    }

    [Theory]
    [InlineData("not json", "not classifier weights")]
    [InlineData("null", "empty")]
    [InlineData("""{"bias":1}""", "no weights")]
    [InlineData("""{"weights":[1,2],"span_weights":[1]}""", "inconsistent")]
    public void Anything_else_is_refused_with_a_message_that_names_the_problem(string json, string expected)
    {
        using var embeddings = new KeywordEmbeddings("PAYLOAD", []);
        var error = Assert.Throws<InvalidDataException>(() => InjectionClassifier.Load(Json(json), embeddings));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_weights_load_through_the_same_path()
    {
        using var embeddings = new KeywordEmbeddings("PAYLOAD", []);
        var shipped = InjectionClassifier.LoadDefault(embeddings);
        Assert.Equal(384, shipped.Model.Weights.Length);
        Assert.True(shipped.HasTaskHead);
        Assert.Throws<ArgumentNullException>(() => InjectionClassifier.Load(null!, embeddings));
        Assert.Throws<ArgumentNullException>(() => InjectionClassifier.LoadDefault(null!));
    }
}
