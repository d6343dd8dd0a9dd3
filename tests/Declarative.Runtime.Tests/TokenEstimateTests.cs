using Declarative.Pipeline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static Declarative.Runtime.Tests.ResilienceTestKit;

namespace Declarative.Runtime.Tests;

/// <summary>The one default token estimate (characters / 4, rounded up) and the three places that reserve it.</summary>
public class TokenEstimateTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(8, 2)]
    [InlineData(9, 3)]
    public void Characters_divided_by_four_are_rounded_up(long characters, long tokens) =>
        Assert.Equal(tokens, TokenEstimate.ForCharacters(characters));

    [Fact]
    public void A_request_is_counted_as_a_whole_and_saturates_at_int_max()
    {
        // 2 + 1 + 1 characters: one token for the request (rounding each message up would give three).
        Assert.Equal(1, TokenEstimate.ForMessages([new(ChatRole.System, "ab"), new(ChatRole.User, "c"), new(ChatRole.User, "d"), new(ChatRole.User, string.Empty)]));
        Assert.Equal(2, TokenEstimate.ForInputs(["abc", "de"]));
        Assert.Equal(0, TokenEstimate.ForInputs([1, 2, 3])); // only strings have text
        Assert.Equal(int.MaxValue, TokenEstimate.Saturate(long.MaxValue));
        Assert.Equal(7, TokenEstimate.Saturate(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenEstimate.ForCharacters(-1));
    }

    [Fact]
    public async Task The_budget_reserves_the_rounded_up_estimate()
    {
        var budget = new Budget(new BudgetOptions { MaxTokens = 40 });
        var client = new ChatClientBuilder(Answers(1)).UseBudget(budget).Build();

        // 161 characters: 41 tokens, one more than the limit (truncating division would let the call through).
        var error = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Say(new string('x', 161))));
        Assert.Equal((BudgetKind.Tokens, 41m), (error.Kind, error.Requested));
    }

    [Fact]
    public async Task The_chat_rate_limiter_counts_a_one_character_prompt_as_one_token()
    {
        var time = new FakeTimeProvider();
        var client = Build(new NoUsageChat(), new ResilienceOptions { TimeProvider = time, TokensPerMinute = 60 });

        await client.GetResponseAsync(Say(new string('x', 240))).WaitAsync(RealTimeout); // the minute's 60 tokens, kept (no usage reported)
        var second = client.GetResponseAsync(Say("x"));
        Assert.False(await CompletesSoonAsync(second)); // 1 token at 1 per second
        time.Advance(TimeSpan.FromSeconds(1));

        await second.WaitAsync(RealTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), client.GetService<ResilienceStatistics>()!.RateLimitWait);
    }

    [Fact]
    public async Task The_embedding_rate_limiter_counts_a_one_character_input_as_one_token()
    {
        var time = new FakeTimeProvider();
        using var generator = new EmbeddingGeneratorBuilder<string, Embedding<float>>(new NoUsageEmbeddings())
            .UseResilience(new ResilienceOptions { TimeProvider = time, TokensPerMinute = 60 })
            .Build();

        await generator.GenerateAsync([new string('x', 120), new string('y', 120)]).WaitAsync(RealTimeout);
        var second = generator.GenerateAsync(["z"]);
        Assert.False(await CompletesSoonAsync(second));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Single(await second.WaitAsync(RealTimeout));
        Assert.Equal(TimeSpan.FromSeconds(1), generator.GetService<ResilienceStatistics>()!.RateLimitWait);
    }

    /// <summary>Answers "ok" without usage, so that the limiter keeps each call's estimate.</summary>
    private sealed class NoUsageChat : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>Embeds each string as its length, without usage.</summary>
    private sealed class NoUsageEmbeddings : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(new float[] { v.Length }))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
