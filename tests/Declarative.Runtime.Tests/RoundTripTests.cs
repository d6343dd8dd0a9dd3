using Declarative.Testing;

namespace Declarative.Runtime.Tests;

/// <summary>Format → scripted answer → parse, for every type shape, through each adapter.</summary>
public class RoundTripTests
{
    public static readonly TheoryData<string> Adapters = ["chat", "json", "xml"];

    private static Adapter AdapterFor(string name) => name switch
    {
        "json" => JsonAdapter.Default,
        "xml" => XmlAdapter.Default,
        _ => new ChatAdapter { UseJsonFallback = false },
    };

    private static AllShapes Sample() => new()
    {
        Question = "everything",
        Text = "multi\nline «text» with [[ brackets ]]",
        Flag = true,
        Count = -42,
        Big = 9_007_199_254_740_993,
        Small = -7,
        Tiny = 255,
        Unsigned = 4_000_000_000,
        Ratio = 0.1,
        Single = 2.5f,
        Money = 1234.5678m,
        Level = Severity.High,
        When = new DateTime(2026, 11, 29, 13, 45, 10, DateTimeKind.Utc),
        Day = new DateOnly(2026, 2, 28),
        At = new TimeOnly(23, 59, 1),
        Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        Maybe = null,
        Note = "present",
        Items = ["a", "b c", "d\"e"],
        Numbers = [1, 2, 3],
        Scores = new() { ["x"] = 1.5, ["y"] = -2.0 },
        Home = new Address { City = "Zürich", Zip = 8001 },
        Places = [new Address { City = "Oslo" }, new Address { City = "Lima", Zip = 15001 }],
        Grid = [["a"], [], ["b", "c"]],
        Choice = "no",
    };

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Every_shape_survives_format_answer_parse(string adapterName)
    {
        var adapter = AdapterFor(adapterName);
        var expected = Sample();
        var signature = Signature.For<AllShapes>();
        var outputs = signature.OutputFields.ToDictionary(f => f.Name, f => typeof(AllShapes).GetProperty(f.MemberName!)!.GetValue(expected));
        var client = new ScriptedChatClient(adapter).Answer(outputs);
        var result = await new Predict<AllShapes>().InvokeAsync(new AllShapes { Question = "everything" }, new RunContext(client) { Adapter = adapter });

        var actual = result.Value;
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Flag, actual.Flag);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Big, actual.Big);
        Assert.Equal(expected.Small, actual.Small);
        Assert.Equal(expected.Tiny, actual.Tiny);
        Assert.Equal(expected.Unsigned, actual.Unsigned);
        Assert.Equal(expected.Ratio, actual.Ratio);
        Assert.Equal(expected.Single, actual.Single);
        Assert.Equal(expected.Money, actual.Money);
        Assert.Equal(expected.Level, actual.Level);
        Assert.Equal(expected.When, actual.When);
        Assert.Equal(DateTimeKind.Utc, actual.When.Kind);
        Assert.Equal(expected.Day, actual.Day);
        Assert.Equal(expected.At, actual.At);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Null(actual.Maybe);
        Assert.Equal(expected.Note, actual.Note);
        Assert.Equal(expected.Items, actual.Items);
        Assert.Equal(expected.Numbers, actual.Numbers);
        Assert.Equal(expected.Scores, actual.Scores);
        Assert.Equal(expected.Home, actual.Home);
        Assert.Equal(expected.Places, actual.Places);
        Assert.Equal(expected.Grid, actual.Grid);
        Assert.Equal(expected.Choice, actual.Choice);
        Assert.Equal("everything", actual.Question);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task String_signature_values_round_trip_as_plain_values(string adapterName)
    {
        var adapter = AdapterFor(adapterName);
        var client = new ScriptedChatClient(adapter).Answer(
            ("answer", "Paris"), ("score", 0.75), ("count", 3L), ("ok", false),
            ("tags", new List<object?> { "a", "b" }), ("map", new Dictionary<string, object?> { ["k"] = 1L }), ("label", "neg"));
        var predict = new Predict("question -> answer, score: float, count: int, ok: bool, tags: list[str], map: dict[str, int], label: Literal['pos', 'neg']");
        var p = await predict.InvokeAsync(new Dictionary<string, object?> { ["question"] = "q" }, new RunContext(client) { Adapter = adapter });
        Assert.Equal("Paris", p["answer"]);
        Assert.Equal(0.75, p["score"]);
        Assert.Equal(3L, p["count"]);
        Assert.Equal(false, p["ok"]);
        Assert.Equal(new List<object?> { "a", "b" }, p["tags"]);
        Assert.Equal(new Dictionary<string, object?> { ["k"] = 1L }, p["map"]);
        Assert.Equal("neg", p["label"]);
        Assert.Equal(adapter.Name, p.Adapter);
    }
}
