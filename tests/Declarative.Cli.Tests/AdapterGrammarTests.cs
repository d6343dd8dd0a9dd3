using System.Text;
using Declarative.Decoding;
using Declarative.Grammars;

namespace Declarative.Cli.Tests;

public enum Mood
{
    Calm,
    Upset,
}

public sealed record Place(string City, int? Zip);

[Signature]
public partial class Everything
{
    [Input] public string Question { get; set; } = "";
    [Output] public string Text { get; set; } = "";
    [Output] public bool Flag { get; set; }
    [Output] public int Count { get; set; }
    [Output] public double Ratio { get; set; }
    [Output] public Mood Mood { get; set; }
    [Output] public DateTime When { get; set; }
    [Output] public TimeOnly At { get; set; }
    [Output] public Guid Id { get; set; }
    [Output] public string? Note { get; set; }
    [Output] public List<string> Tags { get; set; } = [];
    [Output] public Dictionary<string, int> Counts { get; set; } = [];
    [Output] public Place Home { get; set; } = new("", null);
}

/// <summary>What the adapters write for a signature is accepted by that signature's grammar, and what they would not write is not.</summary>
public class AdapterGrammarTests
{
    private static readonly Signature Signature = Signature.For<Everything>();

    private static readonly Dictionary<string, object?> Outputs = new()
    {
        ["text"] = "Two lines\nof text",
        ["flag"] = true,
        ["count"] = -3,
        ["ratio"] = 0.25,
        ["mood"] = Mood.Upset,
        ["when"] = new DateTime(2026, 11, 29, 13, 45, 10, DateTimeKind.Utc),
        ["at"] = new TimeOnly(7, 30, 5),
        ["id"] = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        ["note"] = null,
        ["tags"] = new List<string> { "a", "b" },
        ["counts"] = new Dictionary<string, int> { ["x"] = 1 },
        ["home"] = new Place("Zürich", 8001),
    };

    private static bool Accepts(Grammar grammar, string text) =>
        GrammarMatcher.Matches(CompiledGrammar.Compile(grammar), Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Chat_replies_fit_the_chat_grammar()
    {
        var grammar = SignatureGrammar.ForChat(Signature);
        var reply = ChatAdapter.Default.FormatReply(Outputs).TrimEnd('\n');
        Assert.True(Accepts(grammar, reply), reply);
        Assert.False(Accepts(grammar, reply.Replace("True", "yes")));
        Assert.False(Accepts(grammar, reply.Replace("Upset", "Angry")));
        Assert.False(Accepts(grammar, reply.Replace("of text", "of text\n[[ ## flag ## ]]\nTrue")));

        var parsed = ChatAdapter.Default.Parse(Signature, reply);
        Assert.Equal(Mood.Upset, parsed["mood"]);
    }

    [Fact]
    public void Json_replies_fit_the_json_grammar()
    {
        var grammar = SignatureGrammar.ForJson(Signature, maxWhitespace: 8);
        var reply = JsonAdapter.Default.FormatReply(Outputs);
        Assert.True(Accepts(grammar, reply), reply);
        Assert.False(Accepts(grammar, reply.Replace("\"Upset\"", "\"Angry\"")));
        Assert.False(Accepts(grammar, reply.Replace("\"count\": -3", "\"count\": -3.5")));
        var parsed = JsonAdapter.Default.Parse(Signature, reply);
        Assert.Equal(new TimeOnly(7, 30, 5), parsed["at"]);
    }
}
