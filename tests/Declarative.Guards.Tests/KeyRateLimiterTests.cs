using Microsoft.Extensions.Time.Testing;

namespace Declarative.Guards.Tests;

public sealed class KeyRateLimiterTests
{
    [Fact]
    public void Keys_idle_long_enough_to_refill_are_pruned_and_active_ones_keep_their_allowance()
    {
        var time = new FakeTimeProvider();
        var limiter = new KeyRateLimiter(requestsPerMinute: 2, tokensPerMinute: null, time);
        for (var user = 0; user < 100; user++)
        {
            Assert.Null(limiter.TryAcquire($"user{user}", 1));
        }

        Assert.Null(limiter.TryAcquire("busy", 1));
        Assert.Null(limiter.TryAcquire("busy", 1));
        Assert.Equal(101, limiter.KeyCount);

        time.Advance(TimeSpan.FromSeconds(45));
        Assert.Null(limiter.TryAcquire("busy", 1)); // 1.5 refilled since the start: one more request
        time.Advance(TimeSpan.FromSeconds(16));
        Assert.Null(limiter.TryAcquire("new", 1)); // a minute since the last sweep: the 100 refilled keys go

        Assert.Equal(2, limiter.KeyCount);
        Assert.Null(limiter.TryAcquire("busy", 1)); // 0.5 + 16 s of refill = 1.03: one request, not the 2 of a reset bucket
        Assert.NotNull(limiter.TryAcquire("busy", 1));
        Assert.Null(limiter.TryAcquire("user7", 1));
        Assert.Null(limiter.TryAcquire("user7", 1));
        Assert.NotNull(limiter.TryAcquire("user7", 1)); // a pruned key starts full, as it would have been
    }

    [Fact]
    public void A_key_with_overdrawn_tokens_keeps_its_debt_through_a_sweep()
    {
        var time = new FakeTimeProvider();
        var limiter = new KeyRateLimiter(requestsPerMinute: null, tokensPerMinute: 100, time);
        Assert.Null(limiter.TryAcquire("big", 150)); // allowed at full allowance; overdraws by 50
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(limiter.TryAcquire("other", 1)); // sweeps: 'big' has refilled only to 50, so it stays

        Assert.Equal(2, limiter.KeyCount);
        Assert.NotNull(limiter.TryAcquire("big", 100));
    }
}
