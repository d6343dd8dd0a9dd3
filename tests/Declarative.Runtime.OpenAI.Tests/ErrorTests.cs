using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.OpenAI.Tests;

public class ErrorTests
{
    [Fact]
    public async Task Wrong_key_is_a_401_with_the_servers_message()
    {
        await using var server = new OpenAiTestServer(new ScriptedChatClient(), new OpenAiTestServerOptions { ApiKey = "sk-right" });
        using var client = OpenAiModels.CreateChatClient(new OpenAiClientOptions { Model = "test-model", Endpoint = server.Endpoint, ApiKey = "sk-wrong" });
        var ex = await Assert.ThrowsAsync<OpenAiServerException>(() => client.GetResponseAsync("q"));
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("invalid_api_key", ex.ErrorCode);
        Assert.StartsWith("Incorrect API key provided", ex.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Bearer sk-wrong", server.Requests[0].Headers["authorization"]);
    }

    [Fact]
    public async Task Unknown_model_is_a_404_with_the_servers_message()
    {
        await using var server = new OpenAiTestServer(new ScriptedChatClient());
        using var client = TestServer.Client(server, model: "no-such-model");
        var ex = await Assert.ThrowsAsync<OpenAiServerException>(() => client.GetResponseAsync("q"));
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("model_not_found", ex.ErrorCode);
        Assert.Contains("no-such-model", ex.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_request_is_a_400_with_the_servers_message_and_param()
    {
        await using var server = new OpenAiTestServer(new ScriptedChatClient());
        server.EnqueueError(400, "Invalid schema for response_format 'outputs'.", param: "response_format");
        using var client = TestServer.Client(server);
        var ex = await Assert.ThrowsAsync<OpenAiServerException>(() => client.GetResponseAsync("q"));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("response_format", ex.Param);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Contains("Invalid schema", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task Sdk_retries_are_off_a_500_is_one_request()
    {
        await using var server = new OpenAiTestServer(new ScriptedChatClient(), new OpenAiTestServerOptions { ServerErrorRate = 1 });
        using var client = TestServer.Client(server);
        var ex = await Assert.ThrowsAsync<OpenAiServerException>(() => client.GetResponseAsync("q"));
        Assert.Equal(500, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Single(server.Requests);
        Assert.Equal(1, server.FaultCounts[OpenAiFault.ServerError]);
    }

    [Fact]
    public async Task A_429_is_one_request_too()
    {
        await using var server = new OpenAiTestServer(new ScriptedChatClient(), new OpenAiTestServerOptions { RateLimitRate = 1, RetryAfterSeconds = 0 });
        using var client = TestServer.Client(server);
        var ex = await Assert.ThrowsAsync<OpenAiServerException>(() => client.GetResponseAsync("q"));
        Assert.Equal(429, ex.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Moved_constraint_is_rechecked_and_a_violation_is_an_adapter_parse_exception()
    {
        var scripted = new ScriptedChatClient(JsonAdapter.Default).Answer(("answer", "far too long"));
        await using var server = new OpenAiTestServer(scripted);
        using var client = TestServer.Client(server, OpenAiServerKind.OpenAI);
        var ex = await Assert.ThrowsAsync<AdapterParseException>(() => new Predict<ShortAnswer>()
            .InvokeAsync(new ShortAnswer { Question = "q" }, new RunContext(client) { Adapter = JsonAdapter.Default }));
        var inner = Assert.IsType<SchemaConstraintException>(ex.InnerException);
        Assert.Contains("maxLength 5", Assert.Single(inner.Violations), StringComparison.Ordinal);
        Assert.Contains("far too long", ex.RawCompletion, StringComparison.Ordinal);
        var sent = server.Requests[0].Body!["response_format"]!["json_schema"]!["schema"]!["properties"]!["answer"]!;
        Assert.Null(sent["maxLength"]);
        Assert.Contains("maxLength: 5", sent["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moved_constraint_that_holds_passes()
    {
        var scripted = new ScriptedChatClient(JsonAdapter.Default).Answer(("answer", "Paris"));
        await using var server = new OpenAiTestServer(scripted);
        using var client = TestServer.Client(server, OpenAiServerKind.OpenAI);
        var result = await new Predict<ShortAnswer>().InvokeAsync(new ShortAnswer { Question = "q" }, new RunContext(client) { Adapter = JsonAdapter.Default });
        Assert.Equal("Paris", result.Value.Answer);
    }

    [Fact]
    public async Task Moved_constraint_without_a_signature_is_a_schema_constraint_exception_also_when_streaming()
    {
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]+$"}},"required":["code"]}""").RootElement;
        await using var server = new OpenAiTestServer(new ScriptedChatClient().AnswerRaw("{\"code\":\"abc\"}"));
        using var client = TestServer.Client(server, OpenAiServerKind.OpenAI);
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "codes") };
        var ex = await Assert.ThrowsAsync<SchemaConstraintException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("q", options))
            {
            }
        });
        Assert.Contains("$.code", ex.Violations[0], StringComparison.Ordinal);
    }
}
