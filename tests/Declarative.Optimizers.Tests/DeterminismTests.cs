using Declarative.Pipeline;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

/// <summary>
/// DESIGN §3: with the same seed and a warm cache, compiling again makes no LM calls and saves the same bytes.
/// </summary>
public sealed class DeterminismTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-determinism-").FullName;

    private static readonly Metric Exact = Metrics.ExactMatch();

    private static List<Example> Trainset(int n) =>
        Enumerable.Range(0, n).Select(i => Example.Of(("question", $"q{i}"), ("answer", $"a{i}")).WithInputs("question")).ToList();

    /// <summary>Right on even questions, wrong on odd ones, so some examples bootstrap and some fall to the labeled fill.</summary>
    private static ScriptedChatClient Scripted(int n)
    {
        var client = new ScriptedChatClient();
        for (var i = n - 1; i >= 0; i--)
        {
            client.When($"[[ ## question ## ]]\nq{i}\n", ("answer", i % 2 == 0 ? $"a{i}" : "wrong"));
        }

        return client;
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<(int Calls, byte[] Json)> CompileTwiceAsync(Func<RunContext, Task<Module>> compile)
    {
        var scripted = Scripted(10);
        using var cache = new SqliteChatCache(Path.Combine(folder, "cache.db"));
        var context = new RunContext(new ChatClientBuilder(scripted).UseSqliteCache(cache).Build());

        var first = await compile(context);
        var cold = scripted.CallCount;
        await first.SaveAsync(Path.Combine(folder, "first.json"));

        var second = await compile(context);
        await second.SaveAsync(Path.Combine(folder, "second.json"));

        Assert.True(cold > 0);
        Assert.Equal(cold, scripted.CallCount); // the warm cache answered everything
        var json = await File.ReadAllBytesAsync(Path.Combine(folder, "first.json"));
        Assert.Equal(json, await File.ReadAllBytesAsync(Path.Combine(folder, "second.json")));
        return (cold, json);
    }

    [Fact]
    public async Task BootstrapFewShot_recompiled_with_a_warm_cache_makes_no_calls_and_saves_the_same_bytes()
    {
        var (_, json) = await CompileTwiceAsync(async context =>
            await new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxBootstrappedDemos = 3, MaxLabeledDemos = 5, MaxRounds = 2, Seed = 7 })
                .CompileAsync(new Predict("question -> answer"), Trainset(10), context));

        Assert.NotEmpty(json);
    }

    [Fact]
    public async Task Random_search_recompiled_with_a_warm_cache_makes_no_calls_and_saves_the_same_bytes()
    {
        await CompileTwiceAsync(async context =>
            await new BootstrapFewShotWithRandomSearch(Exact, new RandomSearchOptions { MaxBootstrappedDemos = 2, MaxLabeledDemos = 3, NumCandidatePrograms = 3, MaxParallelism = 4, Seed = 3 })
                .CompileAsync(new Predict("question -> answer"), Trainset(6), context));
    }
}
