using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>Concurrent calls share batches of one context, and each gets the reply it would get alone.</summary>
public class BatchingTests(LlamaModelFixture fixture) : IClassFixture<LlamaModelFixture>
{
    private static List<ChatMessage> Ask(int i) => [new(ChatRole.System, "You answer briefly."), new(ChatRole.User, $"Question {i}: what comes after {i * 7}?")];

    [Fact]
    public async Task Eight_concurrent_calls_share_batches_and_reply_as_they_would_alone()
    {
        using var model = LlamaModel.Load(fixture.Path, new LlamaModelOptions { ContextSize = 2048, GpuLayerCount = 0, ParallelSequences = 8 });
        using var alone = model.CreateChatClient(new LlamaChatOptions { ReusePrefix = false });
        using var shared = model.CreateChatClient();
        ChatOptions Options(int i) => i % 2 == 0
            ? new ChatOptions { MaxOutputTokens = 24 }
            : new ChatOptions { MaxOutputTokens = 24, Temperature = 1f, Seed = i };

        var expected = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            expected.Add((await alone.GetResponseAsync(Ask(i), Options(i))).Text);
        }

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => shared.GetResponseAsync(Ask(i), Options(i))));
        Assert.Equal(expected, replies.Select(r => r.Text));
        var statistics = shared.GetService<LlamaClientStatistics>()!;
        Assert.True(statistics.MostSequencesInOneBatch >= 4, $"at most {statistics.MostSequencesInOneBatch} sequences shared a batch");
        Assert.Equal(1, alone.GetService<LlamaClientStatistics>()!.MostSequencesInOneBatch);
    }

    [Fact]
    public async Task Calls_wait_for_cells_when_the_context_is_full_and_all_complete()
    {
        // Each call reserves its prompt and token limit; a context for about two at a time makes the rest wait.
        using var model = LlamaModel.Load(fixture.Path, new LlamaModelOptions { ContextSize = 256, GpuLayerCount = 0, ParallelSequences = 4 });
        using var client = model.CreateChatClient();
        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => client.GetResponseAsync(Ask(i), new ChatOptions { MaxOutputTokens = 60 })));
        Assert.All(replies, r => Assert.NotNull(r.FinishReason));
        Assert.True(client.GetService<LlamaClientStatistics>()!.MostSequencesInOneBatch < 4);
    }

    [Fact]
    public async Task A_cancelled_call_leaves_the_others_untouched()
    {
        using var model = LlamaModel.Load(fixture.Path, new LlamaModelOptions { ContextSize = 2048, GpuLayerCount = 0, ParallelSequences = 4 });
        using var client = model.CreateChatClient();
        var expected = (await client.GetResponseAsync(Ask(1), new ChatOptions { MaxOutputTokens = 40 })).Text;
        using var cancel = new CancellationTokenSource();
        var batches = client.GetService<LlamaClientStatistics>()!.Batches;
        // The doomed call runs to its token limit (1,500 tokens, seconds here) unless cancelled; it is cancelled once a few
        // batches have been decoded with both calls in flight, not by a 5 ms timer, which a loaded machine could fire only
        // after a shorter doomed call had already finished (or before it had reached the batch at all).
        var doomed = client.GetResponseAsync(Ask(2), new ChatOptions { MaxOutputTokens = 1500 }, cancel.Token);
        var kept = client.GetResponseAsync(Ask(1), new ChatOptions { MaxOutputTokens = 40 });
        for (var deadline = DateTime.UtcNow.AddSeconds(30); client.GetService<LlamaClientStatistics>()!.Batches < batches + 3; await Task.Delay(1))
        {
            Assert.True(DateTime.UtcNow < deadline, "No batch was decoded.");
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => doomed);
        Assert.Equal(expected, (await kept).Text);
    }
}
