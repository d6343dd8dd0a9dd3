using Declarative.Pipeline;
using Declarative.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static Declarative.Runtime.Tests.ResilienceTestKit;

namespace Declarative.Runtime.Tests;

public class BudgetTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-budget-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Call_n_plus_one_is_never_sent()
    {
        var scripted = Answers(10);
        var budget = new Budget(new BudgetOptions { MaxCalls = 5 });
        var client = new ChatClientBuilder(scripted).UseBudget(budget).Build();

        for (var i = 0; i < 5; i++)
        {
            await client.GetResponseAsync(Say("hi"));
        }

        var error = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Say("hi")));
        Assert.Equal((BudgetKind.Calls, 5m, 5m, 1m), (error.Kind, error.Limit, error.Spent, error.Requested));
        Assert.Equal(5, scripted.CallCount);
        Assert.Equal(5, budget.Calls);
        Assert.Same(budget, client.GetService<Budget>());
    }

    [Fact]
    public async Task Sixteen_concurrent_callers_cannot_race_past_the_call_limit()
    {
        var scripted = new ScriptedChatClient { Delay = TimeSpan.FromMilliseconds(20) };
        for (var i = 0; i < 16; i++)
        {
            scripted.AnswerRaw("ok");
        }

        var client = new ChatClientBuilder(scripted).UseBudget(new BudgetOptions { MaxCalls = 10 }).Build();
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await client.GetResponseAsync(Say("hi"));
                return true;
            }
            catch (BudgetExceededException)
            {
                return false;
            }
        })).ToArray();
        start.Set();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal(10, outcomes.Count(ok => ok));
        Assert.Equal(10, scripted.CallCount);
        Assert.Equal(10, client.GetService<Budget>()!.Calls);
    }

    [Fact]
    public async Task The_token_budget_refuses_the_call_whose_estimate_would_exceed_it()
    {
        var scripted = Answers(5);
        var budget = new Budget(new BudgetOptions { MaxTokens = 100 });
        var client = new ChatClientBuilder(scripted).UseBudget(budget).Build();
        var prompt = Say(new string('x', 160)); // estimated 40 prompt tokens
        var options = new ChatOptions { MaxOutputTokens = 10 }; // + 10: 50 reserved; uses 41

        await client.GetResponseAsync(prompt, options);
        await client.GetResponseAsync(prompt, options);
        var error = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(prompt, options));

        Assert.Equal((BudgetKind.Tokens, 100m, 82m, 50m), (error.Kind, error.Limit, error.Spent, error.Requested));
        Assert.Equal(2, scripted.CallCount);
        Assert.Equal((80L, 2L, 82L), (budget.InputTokens, budget.OutputTokens, budget.Tokens));
    }

    [Fact]
    public async Task The_money_budget_prices_calls_with_the_price_table()
    {
        var scripted = Answers(5, modelId: "house-model");
        var prices = PriceTable.Empty.With("house-model", inputPerMillion: 10_000m, outputPerMillion: 20_000m);
        var budget = new Budget(new BudgetOptions { MaxCost = 1.00m, Prices = prices });
        var client = new ChatClientBuilder(scripted).UseBudget(budget).Build();
        var prompt = Say(new string('x', 160));
        var options = new ChatOptions { MaxOutputTokens = 10 }; // estimate 0.40 + 0.20; costs 0.40 + 0.02

        await client.GetResponseAsync(prompt, options);
        var error = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(prompt, options));

        Assert.Equal((BudgetKind.Cost, 1.00m, 0.42m, 0.60m), (error.Kind, error.Limit, error.Spent, error.Requested));
        Assert.Equal(0.42m, budget.Cost);
        Assert.Equal(1, scripted.CallCount);
    }

    [Fact]
    public async Task A_money_budget_without_a_price_for_the_model_says_how_to_add_one()
    {
        var client = new ChatClientBuilder(Answers(1, modelId: "unknown-model")).UseBudget(new BudgetOptions { MaxCost = 1m }).Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(Say("hi")));

        Assert.Contains("PriceTable.With(\"unknown-model\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dated_model_ids_are_priced_by_their_family()
    {
        Assert.True(PriceTable.Default.TryGetPrice("gpt-4o-mini-2024-07-18", out var mini));
        Assert.Equal(new ModelPrice(0.15m, 0.60m), mini);
        Assert.True(PriceTable.Default.TryGetPrice("GPT-4O-2024-08-06", out var full));
        Assert.Equal(new ModelPrice(2.50m, 10.00m), full);
        Assert.False(PriceTable.Default.TryGetPrice("gpt-4ox", out _));
        Assert.Equal(0.0000125m, new ModelPrice(2.50m, 10.00m).Cost(1, 1));
    }

    [Fact]
    public async Task The_wall_time_budget_follows_the_clock()
    {
        var time = new FakeTimeProvider();
        var scripted = Answers(2);
        var client = new ChatClientBuilder(scripted).UseBudget(new BudgetOptions { MaxWallTime = TimeSpan.FromMinutes(1), TimeProvider = time }).Build();

        await client.GetResponseAsync(Say("hi"));
        time.Advance(TimeSpan.FromSeconds(61));
        var error = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Say("hi")));

        Assert.Equal((BudgetKind.WallTime, 60m, 61m), (error.Kind, error.Limit, error.Spent));
        Assert.Equal(1, scripted.CallCount);
    }

    [Fact]
    public async Task Cache_hits_cost_no_calls_or_money()
    {
        var scripted = Answers(2, modelId: "gpt-4o-mini");
        using var cache = new SqliteChatCache(Path.Combine(folder, "cache.db"));
        var budget = new Budget(new BudgetOptions { MaxCalls = 2 });
        var client = new ChatClientBuilder(scripted).UseBudget(budget).UseSqliteCache(cache).Build();

        await client.GetResponseAsync(Say("same"));
        var cost = budget.Cost;
        await client.GetResponseAsync(Say("same"));
        await client.GetResponseAsync(Say("same"));
        await client.GetResponseAsync(Say("diff"));

        Assert.Equal(2, scripted.CallCount);
        Assert.Equal(2, budget.Calls);
        Assert.True(cost > 0m);
        Assert.Equal(cost * 2, budget.Cost);
    }

    [Fact]
    public async Task A_retried_call_counts_once_when_the_budget_is_outside_resilience()
    {
        var faulty = new FaultyChatClient(Answers(3)).FailNext(FaultKind.ServiceUnavailable, FaultKind.ConnectionReset);
        var budget = new Budget(new BudgetOptions { MaxCalls = 1 });
        var client = new ChatClientBuilder(faulty)
            .UseBudget(budget)
            .UseResilience(new ResilienceOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero })
            .Build();

        await client.GetResponseAsync(Say("hi"));

        Assert.Equal(3, faulty.Calls);
        Assert.Equal(1, budget.Calls);
        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Say("hi")));
    }

    [Fact]
    public async Task Streams_are_reserved_and_settled_from_their_usage()
    {
        var scripted = Answers(2);
        var budget = new Budget(new BudgetOptions { MaxCalls = 1 });
        var client = new ChatClientBuilder(scripted).UseBudget(budget).Build();

        var response = await client.GetStreamingResponseAsync(Say(new string('x', 40))).ToChatResponseAsync();

        Assert.Equal("ok", response.Text);
        Assert.Equal((1L, 10L, 1L), (budget.Calls, budget.InputTokens, budget.OutputTokens));
        await Assert.ThrowsAsync<BudgetExceededException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Say("hi")))
            {
                Assert.NotNull(update);
            }
        });
        Assert.Equal(1, scripted.CallCount);
    }

    [Fact]
    public void Options_are_validated_when_the_budget_is_created()
    {
        var error = Assert.Throws<ArgumentException>(() => new Budget(new BudgetOptions { MaxCalls = -1 }));
        Assert.Contains("MaxCalls", error.Message, StringComparison.Ordinal);
    }
}
