using Declarative.Testing;

namespace Declarative.Runtime.Tests;

public class OutputGrammarTests
{
    [Fact]
    public async Task Chat_and_json_requests_carry_the_reply_grammar()
    {
        var client = new ScriptedChatClient().AnswerRaw("not sections").AnswerRaw("{\"answer\": 4}");
        await new Predict("question -> answer: int").InvokeAsync(new Dictionary<string, object?> { ["question"] = "2+2" }, new RunContext(client));

        var chat = Assert.IsType<OutputGrammar>(client.Requests[0].Options!.AdditionalProperties![OptionKeys.Grammar]);
        Assert.Equal("chat", chat.Format);
        Assert.True(chat.TryGetGrammar(out var chatGrammar, out _));
        Assert.StartsWith("root ::= \"[[ ## answer ## ]]\\n\"", chatGrammar!.ToGbnf());

        var json = Assert.IsType<OutputGrammar>(client.Requests[1].Options!.AdditionalProperties![OptionKeys.Grammar]);
        Assert.Equal("json", json.Format);
        Assert.True(json.TryGetGrammar(out var jsonGrammar, out _));
        Assert.Contains("answer", jsonGrammar!.ToGbnf());
    }

    [Fact]
    public async Task A_signature_without_a_grammar_still_runs()
    {
        var signature = Signature.Parse("question -> code").WithField("code", f => f with { Constraints = new FieldConstraints { Pattern = "(?=lookahead)" } });
        var client = new ScriptedChatClient().Answer(("code", "x"));
        var result = await new Predict(signature).InvokeAsync(new Dictionary<string, object?> { ["question"] = "q" }, new RunContext(client));
        Assert.Equal("x", result["code"]);
        var grammar = Assert.IsType<OutputGrammar>(client.Requests[0].Options!.AdditionalProperties![OptionKeys.Grammar]);
        Assert.False(grammar.TryGetGrammar(out _, out var error));
        Assert.Contains("lookaround", error);
    }

    [Fact]
    public void The_grammar_is_built_once_per_signature()
    {
        var signature = Signature.Parse("question -> answer");
        var first = new Microsoft.Extensions.AI.ChatOptions();
        var second = new Microsoft.Extensions.AI.ChatOptions();
        ChatAdapter.Default.ConfigureOptions(signature, first);
        ChatAdapter.Default.ConfigureOptions(signature, second);
        Assert.Same(first.AdditionalProperties![OptionKeys.Grammar], second.AdditionalProperties![OptionKeys.Grammar]);
    }
}
