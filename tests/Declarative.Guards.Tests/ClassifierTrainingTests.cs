using Declarative.Guards;

namespace Declarative.Guards.Tests;

public class ClassifierTrainingTests
{
    [Fact]
    public void Logistic_regression_separates_a_separable_set_and_is_deterministic()
    {
        var random = new Random(3);
        var x = new List<float[]>();
        var y = new List<bool>();
        for (var i = 0; i < 200; i++)
        {
            var positive = i % 4 == 0; // imbalanced on purpose: class weights must compensate
            x.Add([(float)(random.NextDouble() + (positive ? 0.8 : -0.8)), (float)random.NextDouble() - 0.5f]);
            y.Add(positive);
        }

        var (weights, bias) = LogisticRegression.Train(x, y);
        var again = LogisticRegression.Train(x, y);
        Assert.Equal(weights, again.Weights);
        Assert.Equal(bias, again.Bias);
        Assert.True(weights[0] > 1, $"weight {weights[0]}");
        Assert.True(Math.Abs(weights[1]) < Math.Abs(weights[0]) / 4);
        var scores = x.Select(v => 1 / (1 + Math.Exp(-(bias + (weights[0] * v[0]) + (weights[1] * v[1]))))).ToArray();
        var metrics = DetectionMetrics.Of(scores, y);
        Assert.True(metrics.BalancedAccuracy > 0.95, $"balanced accuracy {metrics.BalancedAccuracy}");
    }

    [Fact]
    public void A_hidden_layer_separates_what_a_logistic_regression_cannot_and_is_deterministic()
    {
        // XOR of the signs of two coordinates: no line separates the classes.
        var random = new Random(5);
        var x = new List<float[]>();
        var y = new List<bool>();
        for (var i = 0; i < 400; i++)
        {
            var (a, b) = ((float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1));
            x.Add([a, b]);
            y.Add(a * b > 0);
        }

        var weights = Enumerable.Repeat(1.0, x.Count).ToArray();
        var network = HiddenLayerNetwork.Train(x, y, units: 8, weights, epochs: 400, learningRate: 0.05);
        Assert.Equal(network.HiddenWeights, HiddenLayerNetwork.Train(x, y, units: 8, weights, epochs: 400, learningRate: 0.05).HiddenWeights);
        var model = new InjectionClassifierModel { Bias = network.Bias, Weights = network.Weights, HiddenWeights = network.HiddenWeights, HiddenBias = network.HiddenBias };
        using var generator = new FixedEmbeddings(2);
        var classifier = new InjectionClassifier(model, generator);
        var hidden = DetectionMetrics.Of(x.Select(v => classifier.Probability(v)).ToArray(), y);
        Assert.True(hidden.BalancedAccuracy > 0.9, $"hidden layer: balanced accuracy {hidden.BalancedAccuracy}");

        var (w, bias) = LogisticRegression.Train(x, y);
        var linear = DetectionMetrics.Of(x.Select(v => 1 / (1 + Math.Exp(-(bias + (w[0] * v[0]) + (w[1] * v[1]))))).ToArray(), y);
        Assert.True(linear.BalancedAccuracy < 0.7, $"logistic regression: balanced accuracy {linear.BalancedAccuracy}");
    }

    [Fact]
    public void A_hidden_layer_model_scores_as_written_and_refuses_inconsistent_shapes()
    {
        // Two units over two dimensions: relu(x0 - x1) and relu(x1); output 2·h0 − 1·h1 − 0.5.
        var model = new InjectionClassifierModel { Bias = -0.5, Weights = [2f, -1f], HiddenWeights = [1f, -1f, 0f, 1f], HiddenBias = [0f, 0f] };
        using var generator = new FixedEmbeddings(2);
        var classifier = new InjectionClassifier(model, generator);
        Assert.Equal(0.5, classifier.Probability([1f, 0.5f]), 6); // h = (0.5, 0.5): 2·0.5 − 0.5 − 0.5 = 0
        Assert.Equal(1 / (1 + Math.Exp(-(-1 - 0.5))), classifier.Probability([0f, 1f]), 6); // h = (0, 1)
        Assert.Contains("trained on 2", Assert.Throws<InvalidOperationException>(() => classifier.Probability(new float[3])).Message);

        var ragged = new InjectionClassifierModel { Weights = [1f, 1f], HiddenWeights = [1f, 1f, 1f], HiddenBias = [0f, 0f] };
        Assert.Contains("hidden layer", Assert.Throws<ArgumentException>(() => new InjectionClassifier(ragged, generator)).Message);
        var taskOfWrongWidth = new InjectionClassifierModel { Weights = [2f, -1f], HiddenWeights = [1f, -1f, 0f, 1f], HiddenBias = [0f, 0f], TaskWeights = [1f, 1f, 1f] };
        Assert.Contains("task head has 3 weights for embeddings of 2 dimensions", Assert.Throws<ArgumentException>(() => new InjectionClassifier(taskOfWrongWidth, generator)).Message);
    }

    [Fact]
    public void Corpus_is_seeded_labelled_and_its_held_out_split_shares_no_text()
    {
        var corpus = InjectionCorpus.Generate(seed: 5, perFamily: 20);
        Assert.Equal(corpus.Select(e => e.Text), InjectionCorpus.Generate(seed: 5, perFamily: 20).Select(e => e.Text));
        Assert.NotEqual(corpus.Select(e => e.Text), InjectionCorpus.Generate(seed: 6, perFamily: 20).Select(e => e.Text));
        var train = corpus.Where(e => e.Split == "train").Select(e => e.Text).ToHashSet();
        var test = corpus.Where(e => e.Split == "test").ToArray();
        Assert.DoesNotContain(test, e => train.Contains(e.Text));
        Assert.Contains(test, e => e.IsInjection);
        Assert.Contains(test, e => !e.IsInjection);
        Assert.Contains(corpus, e => e.Source == "hand" && e.IsInjection);
        Assert.Contains(corpus, e => e.Source == "hand" && !e.IsInjection);
    }

    [Fact]
    public void Shipped_weights_load_and_refuse_a_mismatched_embedding_width()
    {
        using var generator = new FixedEmbeddings(8);
        var classifier = InjectionClassifier.LoadDefault(generator);
        Assert.Equal(384, classifier.Model.Weights.Length);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", classifier.Model.EmbeddingModel);
        var ex = Assert.Throws<InvalidOperationException>(() => classifier.Probability(new float[8]));
        Assert.Contains("trained on 384", ex.Message);
    }

    [Fact]
    public async Task Long_texts_are_scored_window_by_window_so_a_payload_at_the_end_is_read()
    {
        // The fake embedding puts 1 in dimension 0 when the window holds the payload word; truncating to the first
        // window (what the embedding model does with a long input) would never see it.
        var seen = new List<string>();
        using var generator = new KeywordEmbeddings("PAYLOAD", seen);
        var model = new InjectionClassifierModel { EmbeddingModel = "test", Bias = -4, Weights = [8, 0] };
        var classifier = new InjectionClassifier(model, generator) { WindowWords = 16 };
        var filler = string.Join(' ', Enumerable.Range(0, 100).Select(i => $"word{i}"));
        var scores = await classifier.ScoreAsync([filler + " PAYLOAD", "short PAYLOAD text", filler]);
        Assert.True(scores[0] > 0.98, $"payload at the end: {scores[0]}");
        Assert.True(scores[1] > 0.98);
        Assert.True(scores[2] < 0.02);
        Assert.All(seen, w => Assert.True(w.Split(' ').Length <= 16, w));
        Assert.Contains("short PAYLOAD text", seen); // a short text is embedded as it is
        var words = (filler + " PAYLOAD").Split(' ');
        Assert.All(words, word => Assert.Contains(seen, w => w.Split(' ').Contains(word))); // no word is dropped
        Assert.Throws<ArgumentOutOfRangeException>(() => new InjectionClassifier(model, generator) { WindowWords = 2 });
    }

    /// <summary>An embedding generator of a fixed width (zeros), for the width check only.</summary>
    private sealed class FixedEmbeddings(int width) : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>(values.Select(_ => new Microsoft.Extensions.AI.Embedding<float>(new float[width]))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
