using System.Text.Json.Nodes;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.OpenAI.Tests;

public class OpenAiClientTests
{
    private static readonly Dictionary<string, object?> Question = new() { ["question"] = "Capital of France?" };

    [Fact]
    public async Task Predict_through_the_openai_client_parses()
    {
        var scripted = new ScriptedChatClient().Answer(("answer", "Paris"));
        await using var server = new OpenAiTestServer(scripted);
        using var client = TestServer.Client(server);
        var result = await new Predict("question -> answer").InvokeAsync(Question, new RunContext(client));
        Assert.Equal("Paris", result["answer"]);
        Assert.Contains("Capital of France?", scripted.Requests[0].Messages[^1].Text, StringComparison.Ordinal);
        Assert.Equal("test-model", server.Requests[0].Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Openai_kind_sends_the_strict_schema()
    {
        var scripted = new ScriptedChatClient(JsonAdapter.Default).Answer(("answer", "Paris"));
        await using var server = new OpenAiTestServer(scripted);
        using var client = TestServer.Client(server, OpenAiServerKind.OpenAI);
        var response = await client.GetResponseAsync("q", Options(JsonAdapter.Default, "question -> answer"));
        var format = server.Requests[0].Body!["response_format"]!;
        Assert.Equal("json_schema", format["type"]!.GetValue<string>());
        Assert.True(format["json_schema"]!["strict"]!.GetValue<bool>());
        var schema = format["json_schema"]!["schema"]!;
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(["answer"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("json_schema", response.AdditionalProperties![OptionKeys.Constrained]);
        Assert.False(server.Requests[0].Body!.ContainsKey("grammar"));
    }

    [Fact]
    public async Task Llama_server_kind_sends_the_gbnf_grammar_instead_of_the_schema()
    {
        var scripted = new ScriptedChatClient(JsonAdapter.Default).Answer(("answer", "Paris"));
        await using var server = new OpenAiTestServer(scripted);
        using var client = TestServer.Client(server, OpenAiServerKind.LlamaServer);
        var response = await client.GetResponseAsync("q", Options(JsonAdapter.Default, "question -> answer"));
        var body = server.Requests[0].Body!;
        Assert.Contains("root", body["grammar"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(body.ContainsKey("response_format"));
        Assert.Equal("grammar", response.AdditionalProperties![OptionKeys.Constrained]);
        Assert.DoesNotContain("declarative", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vllm_kind_sends_guided_json_for_json_replies_and_guided_grammar_for_chat_replies()
    {
        var scripted = new ScriptedChatClient(JsonAdapter.Default).Answer(("answer", "Paris")).AnswerRaw("[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]");
        await using var server = new OpenAiTestServer(scripted);
        using var client = TestServer.Client(server, OpenAiServerKind.VLlm);
        await client.GetResponseAsync("q", Options(JsonAdapter.Default, "question -> answer"));
        var chat = await client.GetResponseAsync("q", Options(ChatAdapter.Default, "question -> answer"));
        Assert.Equal("object", server.Requests[0].Body!["guided_json"]!["type"]!.GetValue<string>());
        Assert.Contains("root", server.Requests[1].Body!["guided_grammar"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("grammar", chat.AdditionalProperties![OptionKeys.Constrained]);
    }

    [Fact]
    public async Task A_raw_grammar_in_place_of_the_reply_grammar_reaches_a_gbnf_server()
    {
        // What text-to-SQL does: its schema grammar replaces the chat adapter's reply grammar under the same key.
        var scripted = new ScriptedChatClient().AnswerRaw("[[ ## sql ## ]]\nSELECT 1\n\n[[ ## completed ## ]]");
        await using var server = new OpenAiTestServer(scripted);
        using var client = TestServer.Client(server, OpenAiServerKind.LlamaServer);
        var grammar = Declarative.Grammars.Grammar.ParseGbnf("root ::= \"[[ ## sql ## ]]\\nSELECT 1\\n\\n[[ ## completed ## ]]\"");
        var options = new ChatOptions { AdditionalProperties = new AdditionalPropertiesDictionary { [OptionKeys.Grammar] = grammar } };
        var response = await client.GetResponseAsync("q", options);
        Assert.Equal(grammar.ToGbnf(), server.Requests[0].Body!["grammar"]!.GetValue<string>());
        Assert.Equal("grammar", response.AdditionalProperties![OptionKeys.Constrained]);
    }

    [Fact]
    public async Task Chat_format_on_openai_is_unconstrained_and_says_so()
    {
        var scripted = new ScriptedChatClient().Answer(("answer", "Paris"));
        await using var server = new OpenAiTestServer(scripted);
        using var client = TestServer.Client(server, OpenAiServerKind.OpenAI);
        var response = await client.GetResponseAsync("q", Options(ChatAdapter.Default, "question -> answer"));
        Assert.Equal("none", response.AdditionalProperties![OptionKeys.Constrained]);
        Assert.False(server.Requests[0].Body!.ContainsKey("response_format"));
    }

    [Fact]
    public async Task Seed_stop_max_tokens_and_completion_index_map_to_one_choice_per_call()
    {
        var scripted = new ScriptedChatClient().AnswerRaw("a").AnswerRaw("b");
        await using var server = new OpenAiTestServer(scripted);
        using var client = TestServer.Client(server);
        var options = new ChatOptions { Seed = 42, StopSequences = ["END"], MaxOutputTokens = 64, AdditionalProperties = new() { [OptionKeys.CompletionIndex] = 1 } };
        await client.GetResponseAsync("q", options);
        var body = server.Requests[0].Body!;
        Assert.Equal(42, body["seed"]!.GetValue<long>());
        Assert.Equal("END", body["stop"]!.AsArray()[0]!.GetValue<string>());
        Assert.Equal(64, (body["max_completion_tokens"] ?? body["max_tokens"])!.GetValue<int>());
        Assert.True(body["n"] is null || body["n"]!.GetValue<int>() == 1);
        Assert.Equal(42, scripted.Requests[0].Options!.Seed);
    }

    [Fact]
    public async Task Usage_maps_from_the_server()
    {
        await using var server = new OpenAiTestServer(new ScriptedChatClient().AnswerRaw("0123456789abcdef"));
        using var client = TestServer.Client(server);
        var response = await client.GetResponseAsync("abcdefgh");
        Assert.Equal(2, response.Usage!.InputTokenCount);
        Assert.Equal(4, response.Usage.OutputTokenCount);
        Assert.Equal(6, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Streaming_text_equals_non_streaming_and_carries_usage()
    {
        var reply = "[[ ## answer ## ]]\nA fairly long answer that takes several chunks to stream.\n\n[[ ## completed ## ]]";
        await using var server = new OpenAiTestServer(new ScriptedChatClient().AnswerRaw(reply).AnswerRaw(reply));
        using var client = TestServer.Client(server);
        var whole = await client.GetResponseAsync("q");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("q"))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count > 3);
        var streamed = updates.ToChatResponse();
        Assert.Equal(whole.Text, streamed.Text);
        Assert.NotNull(streamed.Usage);
        Assert.Equal(whole.Usage!.OutputTokenCount, streamed.Usage!.OutputTokenCount);
        Assert.True(server.Requests[1].Body!["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Cancellation_mid_stream_stops_the_enumeration()
    {
        var reply = new string('x', 400);
        await using var server = new OpenAiTestServer(new ScriptedChatClient().AnswerRaw(reply), new OpenAiTestServerOptions { StreamChunkDelay = TimeSpan.FromMilliseconds(200) });
        using var client = TestServer.Client(server);
        using var cts = new CancellationTokenSource();
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("q", cancellationToken: cts.Token))
            {
                received += update.Text.Length;
                await cts.CancelAsync();
            }
        });
        Assert.True(received < reply.Length);
    }

    internal static ChatOptions Options(Adapter adapter, string signature)
    {
        var options = new ChatOptions();
        adapter.ConfigureOptions(Signature.Parse(signature), options);
        return options;
    }
}
