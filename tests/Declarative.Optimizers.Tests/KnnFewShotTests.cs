using Declarative.Testing;

namespace Declarative.Optimizers.Tests;

public class KnnFewShotTests
{
    private static readonly string[] Questions =
    [
        "capital of france",
        "color of the sky",
        "capital of spain",
        "speed of light",
        "color of grass",
    ];

    private static readonly List<Example> Trainset =
        Questions.Select((q, i) => Example.Of(("question", q), ("answer", $"a{i}")).WithInputs("question")).ToList();

    private static BagOfWordsEmbedder Embedder() => new("capital", "france", "spain", "italy", "color", "sky", "grass", "speed", "light");

    private static ScriptedChatClient Client() =>
        new ScriptedChatClient()
            .When("[[ ## question ## ]]\ncapital of italy\n", ("answer", "rome"))
            .When("[[ ## question ## ]]", ("answer", "whatever"));

    [Fact]
    public async Task Finds_the_k_most_similar_inputs_most_similar_first_ties_in_training_order()
    {
        var embedder = Embedder();
        var knn = new KnnFewShot(2, embedder, Trainset);

        var tie = await knn.FindNeighborsAsync(new Dictionary<string, object?> { ["question"] = "capital of italy" });
        var spain = await knn.FindNeighborsAsync(new Dictionary<string, object?> { ["question"] = "capital of spain" });
        var grass = await knn.FindNeighborsAsync(new Dictionary<string, object?> { ["question"] = "color of grass" });

        Assert.Equal(["capital of france", "capital of spain"], tie.Select(e => (string)e["question"]!));
        Assert.Equal(["capital of spain", "capital of france"], spain.Select(e => (string)e["question"]!));
        Assert.Equal(["color of grass", "color of the sky"], grass.Select(e => (string)e["question"]!));
        Assert.Equal(4, embedder.Calls); // the trainset once, then one per query
        Assert.Equal("question: capital of france", embedder.Embedded[0]); // "key: value" of the inputs only
        Assert.Equal("question: capital of italy", embedder.Embedded[5]);
    }

    [Fact]
    public void Joins_input_fields_with_a_bar_as_dspy()
    {
        var example = Example.Of(("context", "c"), ("question", "q"), ("answer", "a")).WithInputs("context", "question");

        Assert.Equal("context: c | question: q", KnnIndex.Text(example.Where(p => example.InputKeys.Contains(p.Key))));
    }

    [Fact]
    public async Task Each_call_compiles_a_copy_on_the_neighbours_and_runs_it_leaving_the_student_alone()
    {
        var student = new Predict("question -> answer");
        var client = Client();
        var program = new KnnFewShot(2, Embedder(), Trainset).Compile(student);
        var query = Example.Of(("question", "capital of italy")).WithInputs("question");

        var compiled = await program.CompileForAsync(query, new RunContext(client));
        var prediction = await program.InvokeAsync(new Dictionary<string, object?> { ["question"] = "capital of italy" }, new RunContext(client));

        Assert.Equal(["capital of france", "capital of spain"], compiled.Demos.Select(d => (string)d["question"]!));
        Assert.Equal("rome", prediction["answer"]);
        Assert.Empty(student.Demos);
    }

    [Fact]
    public async Task A_metric_filters_the_neighbours_runs_as_bootstrap_does()
    {
        var client = Client();
        var never = new Metric((_, _, _) => ValueTask.FromResult<MetricResult>(false));
        var program = new KnnFewShot(2, Embedder(), Trainset, never, new BootstrapFewShotOptions { MaxLabeledDemos = 1 }).Compile(new Predict("question -> answer"));

        var compiled = await program.CompileForAsync(Example.Of(("question", "color of grass")).WithInputs("question"), new RunContext(client));

        // Nothing bootstrapped, so one labeled demo, drawn from the two neighbours only.
        var demo = Assert.Single(compiled.Demos);
        Assert.Contains((string)demo["question"]!, new[] { "color of grass", "color of the sky" });
    }

    [Fact]
    public void Arguments_are_checked_when_the_optimizer_is_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KnnFewShot(0, Embedder(), Trainset));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KnnFewShot(1, Embedder(), Trainset, null, new BootstrapFewShotOptions { MaxRounds = 0 }));
        Assert.Throws<ArgumentException>(() => new KnnFewShot(1, Embedder(), [null!]));
    }
}
