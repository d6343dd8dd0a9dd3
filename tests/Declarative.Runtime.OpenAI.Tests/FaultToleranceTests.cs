using System.Collections.Concurrent;
using Declarative.Pipeline;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.OpenAI.Tests;

/// <summary>A run against the loopback server with a fifth of the calls faulted ends as a fault-free run does.</summary>
public class FaultToleranceTests
{
    [Fact]
    public async Task Two_hundred_predictions_with_a_fifth_faulted_give_the_fault_free_results()
    {
        var options = new OpenAiTestServerOptions
        {
            Seed = 11,
            AcceptAnyModel = true,
            RateLimitRate = 0.05,
            RetryAfterSeconds = 0,
            ServerErrorRate = 0.05,
            ServiceUnavailableRate = 0.04,
            HangRate = 0.02,
            HangTimeout = TimeSpan.FromSeconds(20),
            TruncatedJsonRate = 0.01,
            InvalidJsonRate = 0.01,
            ConnectionResetRate = 0.01,
            SchemaViolationRate = 0.01,
        };
        await using var server = new OpenAiTestServer(new EchoingChatClient(), options);
        using var client = new ChatClientBuilder(TestServer.Client(server))
            .UseResilience(new ResilienceOptions { MaxRetries = 8, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(50), AttemptTimeout = TimeSpan.FromSeconds(3), Seed = 3, BreakAfterConsecutiveFailures = 50 })
            .Build();
        var predict = new Predict("question -> answer");
        var results = new ConcurrentDictionary<int, Prediction>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            results[i] = await predict.InvokeAsync(new Dictionary<string, object?> { ["question"] = $"item {i}" }, new RunContext(client), cancellationToken: ct));

        // Every answer is the fault-free one: none was taken from a faulted response (an off-format reply made the
        // predictor ask again, in JSON).
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(EchoingChatClient.Answer($"item {i}"), results[i]["answer"]);
        }

        var statistics = client.GetService<ResilienceStatistics>()!;
        var counts = server.FaultCounts;
        var faults = counts.Values.Sum();
        var offFormat = counts.GetValueOrDefault(OpenAiFault.SchemaViolation);
        var resets = counts.GetValueOrDefault(OpenAiFault.ConnectionReset);
        Assert.True(faults >= 20, $"only {faults} faults were injected");
        Assert.Equal(offFormat, results.Values.Count(r => r.Adapter == "JsonAdapter"));

        // Calls made = successful calls + retried faults, exactly. Every injected fault was retried (an off-format reply
        // by the predictor, asking again in JSON; the rest by the middleware). A dropped connection can also break the
        // pooled connection the next request picks up, which the middleware retries as well, and that request never
        // reaches the server: those are the only retries beyond the faults, and never more than the drops.
        var detail = $"faults {string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"))}; retries {string.Join(", ", statistics.RetriesByReason.Select(c => $"{c.Key}={c.Value}"))}; requests {server.Requests.Count}, attempts {statistics.Attempts}";
        Assert.Equal(200 + offFormat, statistics.Successes);
        Assert.Equal(statistics.Successes + statistics.RetriedFaults, statistics.Attempts);
        var beyond = statistics.RetriedFaults - (faults - offFormat);
        Assert.True(beyond >= 0 && beyond <= resets, detail);
        Assert.True(server.Requests.Count <= statistics.Attempts && statistics.Attempts - server.Requests.Count <= resets, detail);
        Assert.Equal(0, statistics.FinalFailures);
    }

    /// <summary>Answers each question with a reply that depends only on the question, so any run gives the same answers.</summary>
    private sealed class EchoingChatClient : IChatClient
    {
        public static string Answer(string question) => new(question.Reverse().ToArray());

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var prompt = messages.Last().Text;
            var start = prompt.IndexOf("item ", StringComparison.Ordinal);
            var question = new string(prompt[start..].TakeWhile(c => c is not ('\n' or '"')).ToArray()).Trim();
            var reply = options?.ResponseFormat is ChatResponseFormatJson
                ? $"{{\"answer\": \"{Answer(question)}\"}}"
                : $"[[ ## answer ## ]]\n{Answer(question)}\n\n[[ ## completed ## ]]";
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
