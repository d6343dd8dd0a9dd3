using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Declarative.Testing;

namespace Declarative.Runtime.OpenAI.Tests;

public class TestServerTests
{
    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, OpenAiTestServer server, string path, string body) =>
        await http.PostAsync(new Uri(server.BaseAddress, path), new StringContent(body, Encoding.UTF8, "application/json"));

    private const string ChatBody = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Faults_are_deterministic_for_a_seed_and_counted()
    {
        var options = new OpenAiTestServerOptions { Seed = 7, ServerErrorRate = 0.3, RateLimitRate = 0.2, SchemaViolationRate = 0.2 };
        async Task<List<OpenAiFault>> RunAsync()
        {
            var scripted = new Testing.ScriptedChatClient();
            for (var i = 0; i < 20; i++)
            {
                scripted.AnswerRaw("ok");
            }

            await using var server = new OpenAiTestServer(scripted, options);
            using var http = new HttpClient();
            for (var i = 0; i < 20; i++)
            {
                using var _ = await PostAsync(http, server, "v1/chat/completions", ChatBody);
            }

            var faults = server.Requests.Select(r => r.Fault).ToList();
            Assert.Equal(faults.Count(f => f == OpenAiFault.ServerError), server.FaultCounts.GetValueOrDefault(OpenAiFault.ServerError));
            return faults;
        }

        var first = await RunAsync();
        Assert.Equal(first, await RunAsync());
        Assert.Contains(OpenAiFault.None, first);
        Assert.Contains(OpenAiFault.ServerError, first);
    }

    [Fact]
    public async Task Rate_limit_sends_retry_after_and_the_error_shape()
    {
        await using var server = new OpenAiTestServer(new Testing.ScriptedChatClient(), new OpenAiTestServerOptions { RateLimitRate = 1, RetryAfterSeconds = 3 });
        using var http = new HttpClient();
        using var response = await PostAsync(http, server, "v1/chat/completions", ChatBody);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter!.Delta);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("rate_limit_exceeded", error["code"]!.GetValue<string>());
        Assert.True(error.AsObject().ContainsKey("param"));
    }

    [Theory]
    [InlineData(OpenAiFault.TruncatedJson)]
    [InlineData(OpenAiFault.InvalidJson)]
    public async Task Broken_bodies_do_not_parse(OpenAiFault fault)
    {
        await using var server = new OpenAiTestServer(new Testing.ScriptedChatClient().AnswerRaw("ok"));
        server.EnqueueFault(fault);
        using var http = new HttpClient();
        using var response = await PostAsync(http, server, "v1/chat/completions", ChatBody);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => JsonNode.Parse(response.Content.ReadAsStringAsync().Result));
    }

    [Fact]
    public async Task Connection_reset_drops_the_connection_and_hang_never_answers()
    {
        await using var server = new OpenAiTestServer(new Testing.ScriptedChatClient().AnswerRaw("ok"), new OpenAiTestServerOptions { HangTimeout = TimeSpan.FromSeconds(30) });
        server.EnqueueFault(OpenAiFault.ConnectionReset);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // HttpClient may resend a request whose connection closed before any response; the resend is answered normally.
        _ = await Record.ExceptionAsync(async () => (await PostAsync(http, server, "v1/chat/completions", ChatBody)).Dispose());
        Assert.Equal(OpenAiFault.ConnectionReset, server.Requests[0].Fault);
        server.EnqueueFault(OpenAiFault.Hang);

        // The client gives up only once the server has read the request and recorded its fault: a fixed client timeout
        // could fire before the request is even sent on a loaded machine, leaving the fault queued and never counted.
        using var hangHttp = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var cts = new CancellationTokenSource();
        var hanging = hangHttp.PostAsync(new Uri(server.BaseAddress, "v1/chat/completions"), new StringContent(ChatBody, Encoding.UTF8, "application/json"), cts.Token);
        for (var deadline = DateTime.UtcNow.AddSeconds(20); !server.FaultCounts.ContainsKey(OpenAiFault.Hang) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(10);
        }

        Assert.True(server.FaultCounts.ContainsKey(OpenAiFault.Hang), "The server never recorded the hanging request.");
        await Task.Delay(300);
        Assert.False(hanging.IsCompleted, "A hanging request was answered.");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<TaskCanceledException>(async () => (await hanging).Dispose());

        Assert.Equal(1, server.FaultCounts[OpenAiFault.Hang]);
        Assert.Equal(1, server.FaultCounts[OpenAiFault.ConnectionReset]);
    }

    [Fact]
    public async Task Schema_violation_replaces_the_content_without_consuming_an_answer()
    {
        var scripted = new Testing.ScriptedChatClient().AnswerRaw("ok");
        await using var server = new OpenAiTestServer(scripted, new OpenAiTestServerOptions { SchemaViolationContent = "nope" });
        server.EnqueueFault(OpenAiFault.SchemaViolation);
        using var http = new HttpClient();
        using var bad = await PostAsync(http, server, "v1/chat/completions", ChatBody);
        using var good = await PostAsync(http, server, "v1/chat/completions", ChatBody);
        Assert.Equal("nope", JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var body = JsonNode.Parse(await good.Content.ReadAsStringAsync())!;
        Assert.Equal("chat.completion", body["object"]!.GetValue<string>());
        Assert.Equal("ok", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("stop", body["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Requests_with_a_json_schema_are_never_answered_off_format()
    {
        var scripted = new Testing.ScriptedChatClient().AnswerRaw("{\"a\":1}").AnswerRaw("{\"a\":2}");
        await using var server = new OpenAiTestServer(scripted, new OpenAiTestServerOptions { SchemaViolationRate = 1, SchemaViolationContent = "nope" });
        using var http = new HttpClient();
        const string WithSchema = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object"}}}}""";
        const string WithJsonObject = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}""";
        using var schema = await PostAsync(http, server, "v1/chat/completions", WithSchema);
        using var plain = await PostAsync(http, server, "v1/chat/completions", ChatBody);
        using var jsonObject = await PostAsync(http, server, "v1/chat/completions", WithJsonObject);
        string Content(string body) => JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
        Assert.Equal("{\"a\":1}", Content(await schema.Content.ReadAsStringAsync()));
        Assert.Equal("nope", Content(await plain.Content.ReadAsStringAsync()));
        Assert.Equal("nope", Content(await jsonObject.Content.ReadAsStringAsync()));
        Assert.Equal([OpenAiFault.None, OpenAiFault.SchemaViolation, OpenAiFault.SchemaViolation], server.Requests.Select(r => r.Fault));
    }

    [Fact]
    public async Task Models_and_embeddings_answer_in_openai_shapes()
    {
        await using var server = new OpenAiTestServer(new Testing.ScriptedChatClient());
        using var http = new HttpClient();
        var models = JsonNode.Parse(await http.GetStringAsync(new Uri(server.BaseAddress, "v1/models")))!;
        Assert.Equal("test-model", models["data"]![0]!["id"]!.GetValue<string>());
        using var response = await PostAsync(http, server, "v1/embeddings", """{"model":"e","input":["a","b"]}""");
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.Equal(8, data[1]!["embedding"]!.AsArray().Count);
    }

    [Fact]
    public void Inconsistent_options_are_rejected() =>
        Assert.Throws<ArgumentException>(() => new OpenAiTestServer(new Testing.ScriptedChatClient(), new OpenAiTestServerOptions { ServerErrorRate = 0.7, HangRate = 0.7 }));
}
