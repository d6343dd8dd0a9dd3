using Declarative.Pipeline;
using Declarative.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Declarative.Runtime.Tests;

public class PipelineTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-cache-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private string CachePath => Path.Combine(folder, "cache.db");

    private static Dictionary<string, object?> Question(string q) => new() { ["question"] = q };

    [Fact]
    public async Task Second_identical_call_is_served_from_the_cache()
    {
        var backend = new ScriptedChatClient().Answer(("answer", "Paris")).Answer(("answer", "Lyon"));
        using var cache = new SqliteChatCache(CachePath);
        var usage = new UsageTracker();
        var client = new ChatClientBuilder(backend).UseUsageTracking(usage).UseSqliteCache(cache).Build();
        var predict = new Predict("question -> answer") { Name = "qa" };

        var first = await predict.InvokeAsync(Question("Capital?"), new RunContext(client));
        var second = await predict.InvokeAsync(Question("Capital?"), new RunContext(client));

        Assert.Equal("Paris", first["answer"]);
        Assert.Equal("Paris", second["answer"]);
        Assert.Equal(1, backend.CallCount);
        Assert.Equal(1, cache.Hits);
        Assert.Equal(1L, await cache.CountAsync());
        Assert.Equal(1, usage.Total.Calls);
        Assert.Equal(1, usage.Total.CacheHits);
        Assert.True(usage.Total.InputTokens > 0);
        Assert.Equal(usage.Total.InputTokens, usage.Total.CachedInputTokens);
        Assert.Equal(usage.Total, usage.ByPredictor["qa"]);
    }

    [Fact]
    public async Task A_different_rollout_id_or_setting_misses()
    {
        var backend = new ScriptedChatClient().Answer(("answer", "a")).Answer(("answer", "b")).Answer(("answer", "c")).Answer(("answer", "d"));
        using var cache = new SqliteChatCache(CachePath);
        var context = new RunContext(new ChatClientBuilder(backend).UseSqliteCache(cache).Build());
        var predict = new Predict("question -> answer");

        var plain = await predict.InvokeAsync(Question("q"), context);
        var rollout1 = await predict.InvokeAsync(Question("q"), context, new CallSettings { RolloutId = "1" });
        var rollout1Again = await predict.InvokeAsync(Question("q"), context, new CallSettings { RolloutId = "1" });
        var warmer = await predict.InvokeAsync(Question("q"), context, new CallSettings { Temperature = 1.0f });
        var renamed = await new Predict("question -> answer") { Name = "other" }.InvokeAsync(Question("q"), context);

        Assert.Equal(["a", "b", "b", "c", "a"], new[] { plain, rollout1, rollout1Again, warmer, renamed }.Select(p => (string)p["answer"]!));
        Assert.Equal(3, backend.CallCount);
    }

    [Fact]
    public async Task Cache_survives_a_new_process_worth_of_objects()
    {
        var backend = new ScriptedChatClient().Answer(("answer", "once"));
        using (var cache = new SqliteChatCache(CachePath))
        {
            var context = new RunContext(new ChatClientBuilder(backend).UseSqliteCache(cache).Build());
            await new Predict("question -> answer").InvokeAsync(Question("q"), context);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var empty = new ScriptedChatClient();
        using var reopened = new SqliteChatCache(CachePath);
        var again = await new Predict("question -> answer").InvokeAsync(Question("q"), new RunContext(new ChatClientBuilder(empty).UseSqliteCache(reopened).Build()));
        Assert.Equal("once", again["answer"]);
        Assert.Equal(0, empty.CallCount);
    }

    [Fact]
    public async Task Garbage_cache_file_is_moved_aside_with_a_warning()
    {
        await File.WriteAllTextAsync(CachePath, "this is not a sqlite database, it is a text file that someone wrote here");
        var logger = new ListLogger();
        using var cache = new SqliteChatCache(CachePath, logger);
        var backend = new ScriptedChatClient().Answer(("answer", "fresh"));
        var result = await new Predict("question -> answer").InvokeAsync(Question("q"), new RunContext(new ChatClientBuilder(backend).UseSqliteCache(cache).Build()));

        Assert.Equal("fresh", result["answer"]);
        Assert.Equal(1L, await cache.CountAsync());
        var warning = Assert.Single(logger.Messages, m => m.Level == LogLevel.Warning);
        Assert.Contains("moved it to", warning.Message);
        var aside = Assert.Single(Directory.GetFiles(folder, "cache.db.corrupt-*"));
        Assert.StartsWith("this is not a sqlite", await File.ReadAllTextAsync(aside));
    }

    [Fact]
    public async Task Truncated_cache_file_is_recovered()
    {
        using (var cache = new SqliteChatCache(CachePath))
        {
            for (var i = 0; i < 200; i++)
            {
                await cache.SetAsync($"key-{i}", new ChatResponse(new ChatMessage(ChatRole.Assistant, new string('x', 2000) + i)));
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var sidecar in new[] { "-wal", "-shm" })
        {
            // fold the WAL in first, as a crash after a checkpoint would leave it
            File.Delete(CachePath + sidecar);
        }

        await using (var stream = new FileStream(CachePath, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var logger = new ListLogger();
        using var recovered = new SqliteChatCache(CachePath, logger);
        await recovered.SetAsync("new", new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        Assert.Equal("ok", (await recovered.TryGetAsync("new"))!.Text);
        Assert.Contains(logger.Messages, m => m.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Two_writers_on_one_file_lose_nothing()
    {
        using var a = new SqliteChatCache(CachePath);
        using var b = new SqliteChatCache(CachePath);
        var writes = Enumerable.Range(0, 100).SelectMany(i => new[]
        {
            a.SetAsync($"a-{i}", new ChatResponse(new ChatMessage(ChatRole.Assistant, $"a{i}"))),
            b.SetAsync($"b-{i}", new ChatResponse(new ChatMessage(ChatRole.Assistant, $"b{i}"))),
        });
        await Task.WhenAll(writes.Select(t => Task.Run(() => t)));
        Assert.Equal(200L, await a.CountAsync());
        Assert.Equal("b57", (await a.TryGetAsync("b-57"))!.Text);
        Assert.Equal("a99", (await b.TryGetAsync("a-99"))!.Text);
    }

    [Fact]
    public async Task Streaming_responses_are_cached_too()
    {
        var backend = new ScriptedChatClient().Answer(("answer", "streamed"));
        using var cache = new SqliteChatCache(CachePath);
        var client = new ChatClientBuilder(backend).UseSqliteCache(cache).Build();
        var messages = new[] { new ChatMessage(ChatRole.User, "hi") };
        var first = await client.GetStreamingResponseAsync(messages).ToChatResponseAsync();
        var second = await client.GetStreamingResponseAsync(messages).ToChatResponseAsync();
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(1, backend.CallCount);
    }

    [Fact]
    public async Task History_keeps_the_last_calls_for_inspection()
    {
        var backend = new ScriptedChatClient().Answer(("answer", "one")).Answer(("answer", "two")).Answer(("answer", "three"));
        var history = new CallHistory(capacity: 2);
        var context = new RunContext(new ChatClientBuilder(backend).UseHistory(history).Build());
        var predict = new Predict("question -> answer");
        foreach (var q in new[] { "q1", "q2", "q3" })
        {
            await predict.InvokeAsync(Question(q), context);
        }

        Assert.Equal(2, history.Entries.Count);
        var text = history.Inspect(1);
        Assert.Contains("System message:\n\nYour input fields are:", text);
        Assert.Contains("User message:\n\n[[ ## question ## ]]\nq3", text);
        Assert.Contains("Response:\n\n[[ ## answer ## ]]\nthree", text);
        Assert.DoesNotContain("q2", text);
        Assert.Contains("q2", history.Inspect(2));
    }
}
