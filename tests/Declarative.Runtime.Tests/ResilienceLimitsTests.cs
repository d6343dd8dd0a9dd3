using Declarative.Pipeline;
using Declarative.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static Declarative.Runtime.Tests.ResilienceTestKit;

namespace Declarative.Runtime.Tests;

public class ResilienceLimitsTests
{
    [Fact]
    public async Task The_attempt_timeout_turns_a_hang_into_a_retry()
    {
        var time = new FakeTimeProvider();
        var faulty = new FaultyChatClient(Answers(1)).FailNext(FaultKind.Hang);
        var client = Build(faulty, new ResilienceOptions { TimeProvider = time, AttemptTimeout = TimeSpan.FromSeconds(5), BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero });

        var call = client.GetResponseAsync(Say("hi"));
        await WaitUntilAsync(() => faulty.Calls == 1);
        Assert.False(await CompletesSoonAsync(call));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("ok", (await call.WaitAsync(RealTimeout)).Text);
        Assert.Equal(1, client.GetService<ResilienceStatistics>()!.RetriesByReason["attempt-timeout"]);
    }

    [Fact]
    public async Task The_total_timeout_bounds_all_attempts_with_a_typed_error()
    {
        var time = new FakeTimeProvider();
        var faulty = new FaultyChatClient(Answers(1)).FailNext(FaultKind.Hang, FaultKind.Hang, FaultKind.Hang, FaultKind.Hang);
        var client = Build(faulty, new ResilienceOptions
        {
            TimeProvider = time,
            AttemptTimeout = TimeSpan.FromSeconds(5),
            TotalTimeout = TimeSpan.FromSeconds(12),
            BaseDelay = TimeSpan.Zero,
            MaxDelay = TimeSpan.Zero,
            MaxRetries = 10,
        });

        var call = client.GetResponseAsync(Say("hi"));
        await WaitUntilAsync(() => faulty.Calls == 1);
        time.Advance(TimeSpan.FromSeconds(5));
        await WaitUntilAsync(() => faulty.Calls == 2);
        time.Advance(TimeSpan.FromSeconds(5));
        await WaitUntilAsync(() => faulty.Calls == 3);
        time.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<ResilienceTimeoutException>(() => call.WaitAsync(RealTimeout));
        Assert.Equal(TimeSpan.FromSeconds(12), error.Timeout);
        Assert.Equal(3, error.Attempts);
        Assert.IsType<TimeoutException>(error.InnerException);
        var stats = client.GetService<ResilienceStatistics>()!;
        Assert.Equal(stats.Attempts, stats.Successes + stats.RetriedFaults + stats.FinalFailures);
    }

    [Fact]
    public async Task The_concurrency_limit_is_never_exceeded()
    {
        var scripted = new ScriptedChatClient { Delay = TimeSpan.FromMilliseconds(15) };
        for (var i = 0; i < 24; i++)
        {
            scripted.AnswerRaw("ok");
        }

        var faulty = new FaultyChatClient(scripted);
        var client = Build(faulty, new ResilienceOptions { MaxConcurrency = 3 });

        await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => client.GetResponseAsync(Say("hi")))));

        Assert.Equal(24, faulty.Calls);
        Assert.InRange(faulty.MaxInFlight, 1, 3);
        Assert.True(client.GetService<ResilienceStatistics>()!.ConcurrencyWait > TimeSpan.Zero);
    }

    [Fact]
    public async Task Waiting_for_a_slot_respects_cancellation()
    {
        var faulty = new FaultyChatClient(Answers(1)).FailNext(FaultKind.Hang);
        var client = Build(faulty, new ResilienceOptions { MaxConcurrency = 1 });
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();

        var hanging = client.GetResponseAsync(Say("a"), cancellationToken: first.Token);
        await WaitUntilAsync(() => faulty.Calls == 1);
        var waiting = client.GetResponseAsync(Say("b"), cancellationToken: second.Token);
        await second.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(RealTimeout));
        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging.WaitAsync(RealTimeout));
        Assert.Equal(1, faulty.Calls);
    }

    [Fact]
    public async Task The_tokens_per_minute_limiter_delays_calls_over_the_allowance()
    {
        var time = new FakeTimeProvider();
        var scripted = Answers(2);
        var client = Build(scripted, new ResilienceOptions { TimeProvider = time, TokensPerMinute = 100 });
        var prompt = Say(new string('x', 200)); // estimated 50 tokens, + 30 max output = 80
        var options = new ChatOptions { MaxOutputTokens = 30 };

        await client.GetResponseAsync(prompt, options).WaitAsync(RealTimeout); // uses 51: 49 left after reconciling
        var second = client.GetResponseAsync(prompt, options);
        Assert.False(await CompletesSoonAsync(second));
        time.Advance(TimeSpan.FromSeconds(10)); // 31 missing at 100/min: 18.6 s
        Assert.False(await CompletesSoonAsync(second));
        time.Advance(TimeSpan.FromSeconds(9));

        await second.WaitAsync(RealTimeout);
        Assert.Equal(2, scripted.CallCount);
        Assert.Equal(TimeSpan.FromSeconds(19), client.GetService<ResilienceStatistics>()!.RateLimitWait);
    }

    [Fact]
    public async Task The_circuit_opens_fails_fast_half_opens_and_closes()
    {
        var time = new FakeTimeProvider();
        var faulty = new FaultyChatClient(Answers(3)).FailNext(FaultKind.ServiceUnavailable, FaultKind.ServiceUnavailable, FaultKind.ServiceUnavailable);
        var client = Build(faulty, new ResilienceOptions { TimeProvider = time, MaxRetries = 0, BreakAfterConsecutiveFailures = 2, BreakDuration = TimeSpan.FromSeconds(30) });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Say("1")));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Say("2")));
        var open = await Assert.ThrowsAsync<CircuitOpenException>(() => client.GetResponseAsync(Say("3")));
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(30), open.ClosesAt);
        Assert.Equal(2, faulty.Calls);

        time.Advance(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Say("probe fails")));
        await Assert.ThrowsAsync<CircuitOpenException>(() => client.GetResponseAsync(Say("open again")));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("ok", (await client.GetResponseAsync(Say("probe succeeds"))).Text);
        Assert.Equal("ok", (await client.GetResponseAsync(Say("closed"))).Text);
        Assert.Equal(5, faulty.Calls);
        Assert.Equal(2, client.GetService<ResilienceStatistics>()!.CircuitRejections);
    }

    [Fact]
    public async Task The_circuit_opens_on_a_failure_ratio()
    {
        var time = new FakeTimeProvider();
        var faulty = new FaultyChatClient(Answers(10)).FailNext(FaultKind.ServerError, FaultKind.ServerError);
        var client = Build(faulty, new ResilienceOptions
        {
            TimeProvider = time,
            MaxRetries = 0,
            BreakAfterConsecutiveFailures = null,
            BreakFailureRatio = 0.5,
            BreakMinimumThroughput = 4,
        });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Say("1")));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Say("2")));
        await client.GetResponseAsync(Say("3"));
        await client.GetResponseAsync(Say("4")); // 2 of 4 failed, but the ratio is checked on failures
        faulty.FailNext(FaultKind.ServerError);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Say("5"))); // 3 of 5
        await Assert.ThrowsAsync<CircuitOpenException>(() => client.GetResponseAsync(Say("6")));
    }

    [Fact]
    public async Task A_stream_is_retried_before_its_first_update_only()
    {
        var faulty = new FaultyChatClient(Answers(2)).FailNext(FaultKind.ServiceUnavailable);
        var client = Build(faulty, new ResilienceOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero });

        var updates = await client.GetStreamingResponseAsync(Say("hi")).ToChatResponseAsync();
        Assert.Equal("ok", updates.Text);
        Assert.Equal(2, faulty.Calls);

        faulty.FailStreamsAfterFirstUpdate();
        await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Say("again")))
            {
                Assert.NotNull(update);
            }
        });
        Assert.Equal(3, faulty.Calls);
    }

    [Fact]
    public async Task Embeddings_are_retried_too()
    {
        using var inner = new FlakyEmbeddings();
        using var generator = new EmbeddingGeneratorBuilder<string, Embedding<float>>(inner)
            .UseResilience(new ResilienceOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero })
            .Build();

        var result = await generator.GenerateAsync(["a", "b"]);

        Assert.Equal(2, result.Count);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(1, generator.GetService<ResilienceStatistics>()!.RetriedFaults);
    }

    private sealed class FlakyEmbeddings : IEmbeddingGenerator<string, Embedding<float>>
    {
        public int Calls { get; private set; }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (++Calls == 1)
            {
                throw new HttpRequestException("busy", null, System.Net.HttpStatusCode.ServiceUnavailable);
            }

            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(new float[] { v.Length }))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
