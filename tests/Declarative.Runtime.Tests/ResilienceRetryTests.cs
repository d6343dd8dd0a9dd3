using System.Net;
using Declarative.Pipeline;
using Declarative.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static Declarative.Runtime.Tests.ResilienceTestKit;

namespace Declarative.Runtime.Tests;

public class ResilienceRetryTests
{
    [Fact]
    public async Task Two_hundred_predictions_with_a_fifth_faulted_equal_the_fault_free_run()
    {
        static ScriptedChatClient Backend()
        {
            var scripted = new ScriptedChatClient();
            for (var i = 0; i < 200; i++)
            {
                scripted.When($"question {i}.", ("answer", $"answer {i * 7 % 13}"));
            }

            return scripted;
        }

        static async Task<string[]> RunAsync(IChatClient client)
        {
            var predict = new Predict("question -> answer");
            var results = new string[200];
            await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                var prediction = await predict.InvokeAsync(new Dictionary<string, object?> { ["question"] = $"question {i}." }, new RunContext(client), cancellationToken: ct);
                results[i] = (string)prediction["answer"]!;
            });
            return results;
        }

        var expected = await RunAsync(Backend());
        var faulty = new FaultyChatClient(Backend(), faultRate: 0.2, seed: 42) { RetryAfter = TimeSpan.Zero };
        var client = Build(faulty, new ResilienceOptions
        {
            MaxRetries = 20,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromMilliseconds(4),
            // Ends the injected hangs. It runs on the real clock, so it must stay well above how long a thread of a loaded
            // machine can be held up inside an attempt that does not hang: a spurious timeout there would be one retry
            // more than the injected faults (200 ms was within reach of a starved 2-core CI machine).
            AttemptTimeout = TimeSpan.FromSeconds(1),
            BreakAfterConsecutiveFailures = null,
        });

        var actual = await RunAsync(client);

        Assert.Equal(expected, actual);
        var stats = client.GetService<ResilienceStatistics>()!;
        Assert.Equal(200, stats.Calls);
        Assert.Equal(200, stats.Successes);
        Assert.Equal(0, stats.FinalFailures);
        Assert.InRange(faulty.Faults, 20, 80);
        Assert.Equal(faulty.Faults, stats.RetriedFaults);
        Assert.Equal(faulty.Calls, stats.Attempts);
        Assert.Equal(stats.Successes + stats.RetriedFaults, stats.Attempts);
        Assert.Equal(faulty.FaultsByKind.GetValueOrDefault(FaultKind.Hang), stats.RetriesByReason.GetValueOrDefault("attempt-timeout"));
        Assert.Equal(faulty.FaultsByKind.GetValueOrDefault(FaultKind.TooManyRequests), stats.RetriesByReason.GetValueOrDefault("429"));
    }

    [Fact]
    public async Task Retry_after_in_seconds_is_the_wait()
    {
        var time = new FakeTimeProvider();
        var faulty = new FaultyChatClient(Answers(1)) { RetryAfter = TimeSpan.FromSeconds(7) }.FailNext(FaultKind.TooManyRequests);
        var client = Build(faulty, new ResilienceOptions { TimeProvider = time, BaseDelay = TimeSpan.FromMilliseconds(1) });

        var call = client.GetResponseAsync(Say("hi"));
        await WaitUntilAsync(() => faulty.Calls == 1);
        time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));
        Assert.False(await CompletesSoonAsync(call));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("ok", (await call.WaitAsync(RealTimeout)).Text);
        Assert.Equal(TimeSpan.FromSeconds(7), client.GetService<ResilienceStatistics>()!.RetryWait);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_the_wait()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var header = (time.GetUtcNow() + TimeSpan.FromSeconds(30)).ToString("r");
        var faulty = new FaultyChatClient(Answers(1)) { RetryAfterHeader = header }.FailNext(FaultKind.TooManyRequests);
        var client = Build(faulty, new ResilienceOptions { TimeProvider = time });

        var call = client.GetResponseAsync(Say("hi"));
        await WaitUntilAsync(() => faulty.Calls == 1);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(await CompletesSoonAsync(call));
        time.Advance(TimeSpan.FromSeconds(1));
        await call.WaitAsync(RealTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), client.GetService<ResilienceStatistics>()!.RetryWait);
    }

    [Fact]
    public async Task Backoff_doubles_without_jitter_and_is_reproducible_full_jitter_with_a_seed()
    {
        async Task<TimeSpan> TotalWaitAsync(bool jitter, int seed)
        {
            var time = new FakeTimeProvider();
            var faulty = new FaultyChatClient(Answers(1)).FailNext(FaultKind.ServiceUnavailable, FaultKind.ServerError, FaultKind.ConnectionReset);
            var client = Build(faulty, new ResilienceOptions { TimeProvider = time, UseJitter = jitter, Seed = seed, BaseDelay = TimeSpan.FromSeconds(1) });
            var call = client.GetResponseAsync(Say("hi"));
            while (!call.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(1);
            }

            await call;
            var stats = client.GetService<ResilienceStatistics>()!;
            Assert.Equal(4, stats.Attempts);
            Assert.Equal(1, stats.RetriesByReason["connection-reset"]);
            return stats.RetryWait;
        }

        Assert.Equal(TimeSpan.FromSeconds(1 + 2 + 4), await TotalWaitAsync(jitter: false, seed: 0));
        var random = new Random(5);
        var expected = TimeSpan.FromMilliseconds(new[] { 1000.0, 2000, 4000 }.Sum(cap => Math.Floor(random.NextDouble() * cap)));
        Assert.Equal(expected, await TotalWaitAsync(jitter: true, seed: 5));
        Assert.Equal(expected, await TotalWaitAsync(jitter: true, seed: 5));
        Assert.NotEqual(expected, await TotalWaitAsync(jitter: true, seed: 6));
    }

    [Fact]
    public async Task A_non_retryable_error_surfaces_after_one_attempt()
    {
        var faulty = new FaultyChatClient(Answers(1)).FailNext(FaultKind.BadRequest);
        var client = Build(faulty, new ResilienceOptions { TimeProvider = new FakeTimeProvider() });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Say("hi")));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal(1, faulty.Calls);
        var stats = client.GetService<ResilienceStatistics>()!;
        Assert.Equal((1, 0, 1), (stats.Attempts, stats.RetriedFaults, stats.FinalFailures));
    }

    [Fact]
    public async Task Retries_give_up_after_max_retries_with_the_last_error()
    {
        var faulty = new FaultyChatClient(Answers(1)).FailNext(FaultKind.ServerError, FaultKind.ServerError, FaultKind.ServerError);
        var client = Build(faulty, new ResilienceOptions { MaxRetries = 2, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Say("hi")));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(3, faulty.Calls);
    }

    [Fact]
    public async Task Caller_cancellation_stops_retries_at_once()
    {
        var time = new FakeTimeProvider();
        var faulty = new FaultyChatClient(Answers(1)).FailNext(FaultKind.ServiceUnavailable, FaultKind.ServiceUnavailable);
        var client = Build(faulty, new ResilienceOptions { TimeProvider = time, BaseDelay = TimeSpan.FromSeconds(10) });
        using var cts = new CancellationTokenSource();

        var call = client.GetResponseAsync(Say("hi"), cancellationToken: cts.Token);
        await WaitUntilAsync(() => faulty.Calls == 1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(RealTimeout));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, faulty.Calls);
    }

    [Fact]
    public async Task Caller_cancellation_of_a_hanging_attempt_is_not_retried()
    {
        var faulty = new FaultyChatClient(Answers(1)).FailNext(FaultKind.Hang);
        var client = Build(faulty, new ResilienceOptions { TimeProvider = new FakeTimeProvider(), AttemptTimeout = TimeSpan.FromSeconds(5) });
        using var cts = new CancellationTokenSource();

        var call = client.GetResponseAsync(Say("hi"), cancellationToken: cts.Token);
        await WaitUntilAsync(() => faulty.Calls == 1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(RealTimeout));
        var stats = client.GetService<ResilienceStatistics>()!;
        Assert.Equal((1, 0, 1), (stats.Attempts, stats.RetriedFaults, stats.FinalFailures));
    }

    [Fact]
    public async Task A_custom_classifier_decides_first()
    {
        var faulty = new FaultyChatClient(Answers(1)).FailNext(FaultKind.BadRequest);
        var client = Build(faulty, new ResilienceOptions
        {
            BaseDelay = TimeSpan.Zero,
            MaxDelay = TimeSpan.Zero,
            Classifier = e => e is HttpRequestException { StatusCode: HttpStatusCode.BadRequest } ? RetryDecision.Retry("flaky-400") : null,
        });

        Assert.Equal("ok", (await client.GetResponseAsync(Say("hi"))).Text);
        Assert.Equal(1, client.GetService<ResilienceStatistics>()!.RetriesByReason["flaky-400"]);
    }

    [Fact]
    public void Default_classification_retries_transient_faults_only()
    {
        var now = DateTimeOffset.UnixEpoch;
        Assert.Equal("timeout", TransientFaults.Classify(new TaskCanceledException("HttpClient.Timeout", new TimeoutException()), now)!.Reason);
        Assert.Null(TransientFaults.Classify(new OperationCanceledException(), now));
        Assert.Equal("connection-reset", TransientFaults.Classify(new InvalidOperationException("sdk", new IOException("reset")), now)!.Reason);
        Assert.All(new[] { 408, 429, 500, 502, 503, 504 }, status => Assert.True(TransientFaults.ByStatus(status).ShouldRetry));
        Assert.All(new[] { 400, 401, 403, 404, 422 }, status => Assert.False(TransientFaults.ByStatus(status).ShouldRetry));
        Assert.Equal(TimeSpan.FromSeconds(3), TransientFaults.ParseRetryAfter("3", now));
        Assert.Equal(TimeSpan.FromSeconds(90), TransientFaults.ParseRetryAfter(now.AddSeconds(90).ToString("r"), now));
        Assert.Equal(TimeSpan.Zero, TransientFaults.ParseRetryAfter(now.AddSeconds(-5).ToString("r"), now));
        Assert.Null(TransientFaults.ParseRetryAfter("soon", now));
    }

    [Fact]
    public void Options_are_validated_when_the_client_is_built()
    {
        var error = Assert.Throws<ArgumentException>(() => new ChatClientBuilder(Answers(0)).UseResilience(new ResilienceOptions { MaxRetries = -1 }));
        Assert.Contains("MaxRetries", error.Message, StringComparison.Ordinal);
    }
}
