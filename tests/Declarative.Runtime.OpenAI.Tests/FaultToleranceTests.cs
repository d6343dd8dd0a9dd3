using System.Collections.Concurrent;
using System.Text.RegularExpressions;
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

        // The attempt timeout is what ends a hang, but on the real clock it also runs over every other attempt: a thread of
        // a loaded machine held up for the timeout inside an attempt that does not hang made one retry more than the
        // faults. Here an attempt's timeout fires only once the server has recorded that attempt's request as a hang.
        var attemptTimeout = TimeSpan.FromSeconds(3);
        var timeouts = new HangTimeouts(attemptTimeout);
        using var client = new ChatClientBuilder(TestServer.Client(server))
            .UseResilience(new ResilienceOptions { MaxRetries = 8, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(50), AttemptTimeout = attemptTimeout, Seed = 3, BreakAfterConsecutiveFailures = 50, TimeProvider = timeouts })
            .Build();
        using var done = new CancellationTokenSource();
        var hangsEnded = EndHangsAsync(server, timeouts, done.Token);
        var predict = new Predict("question -> answer");
        var results = new ConcurrentDictionary<int, Prediction>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            HangTimeouts.Item.Value = i;
            results[i] = await predict.InvokeAsync(new Dictionary<string, object?> { ["question"] = $"item {i}" }, new RunContext(client), cancellationToken: ct);
        });
        await done.CancelAsync();
        var fired = await hangsEnded;

        // Every answer is the fault-free one: none was taken from a faulted response (an off-format reply made the
        // predictor ask again, in JSON, under a JSON schema, which the server never answers off-format).
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

        // Each hang was ended by its attempt's timeout, and no other attempt timed out.
        Assert.Equal(counts.GetValueOrDefault(OpenAiFault.Hang), fired);
        Assert.Equal(fired, statistics.RetriesByReason.GetValueOrDefault("attempt-timeout"));
    }

    /// <summary>
    /// Fires the attempt timeout of each request the server records as a <see cref="OpenAiFault.Hang"/> (found by the item
    /// its body asks about) until <paramref name="done"/>; returns how many it fired.
    /// </summary>
    private static async Task<int> EndHangsAsync(OpenAiTestServer server, HangTimeouts timeouts, CancellationToken done)
    {
        var seen = 0;
        var fired = 0;
        while (!done.IsCancellationRequested)
        {
            var requests = server.Requests;
            for (; seen < requests.Count; seen++)
            {
                if (requests[seen].Fault == OpenAiFault.Hang)
                {
                    // The attempt's timer was created before its request was sent, and the attempt cannot end while the
                    // server holds the request, so it is still there.
                    var item = int.Parse(Regex.Match(requests[seen].BodyText, @"item (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(timeouts.Fire(item), $"no attempt timeout was pending for item {item}");
                    fired++;
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), done);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return fired;
    }

    /// <summary>
    /// The real clock, except that a timer due after the attempt timeout (an attempt's timeout) fires only when
    /// <see cref="Fire"/> is called for the item the attempt belongs to (<see cref="Item"/> where the timer was created).
    /// </summary>
    private sealed class HangTimeouts(TimeSpan attemptTimeout) : TimeProvider
    {
        public static readonly AsyncLocal<int?> Item = new();

        private readonly object gate = new();
        private readonly Dictionary<int, Timer> pending = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != attemptTimeout || Item.Value is not { } item)
            {
                return base.CreateTimer(callback, state, dueTime, period);
            }

            var timer = new Timer(this, item, callback, state);
            lock (gate)
            {
                // One attempt at a time per item: the previous one's timer was disposed when it ended.
                Assert.False(pending.ContainsKey(item), $"two attempt timeouts pending for item {item}");
                pending[item] = timer;
            }

            return timer;
        }

        /// <summary>Fires the pending attempt timeout of <paramref name="item"/>; <see langword="false"/> when there is none.</summary>
        public bool Fire(int item)
        {
            Timer? timer;
            lock (gate)
            {
                if (!pending.Remove(item, out timer))
                {
                    return false;
                }
            }

            timer.Fire();
            return true;
        }

        private void Remove(Timer timer)
        {
            lock (gate)
            {
                if (pending.TryGetValue(timer.Item, out var current) && current == timer)
                {
                    pending.Remove(timer.Item);
                }
            }
        }

        private sealed class Timer(HangTimeouts owner, int item, TimerCallback callback, object? state) : ITimer
        {
            public int Item => item;

            public void Fire() => callback(state);

            public bool Change(TimeSpan dueTime, TimeSpan period) => throw new NotSupportedException();

            public void Dispose() => owner.Remove(this);

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
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
