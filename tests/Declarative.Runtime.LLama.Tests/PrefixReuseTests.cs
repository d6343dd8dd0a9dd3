using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>Prompt prefixes are served from the KV cache, and replies are the same as without reuse.</summary>
public class PrefixReuseTests(LlamaModelFixture fixture) : IClassFixture<LlamaModelFixture>
{
    private static readonly string SystemA = "You are a careful assistant for a shipping company. " + string.Join(' ', Enumerable.Range(0, 40).Select(i => $"rule{i}: be exact."));
    private static readonly string SystemB = "You translate product names into French and keep brand names. " + string.Join(' ', Enumerable.Range(0, 40).Select(i => $"term{i} stays."));

    private static List<ChatMessage> Ask(string system, string question) => [new(ChatRole.System, system), new(ChatRole.User, question)];

    [Fact]
    public async Task Calls_sharing_a_prefix_evaluate_only_the_tail_and_reply_the_same()
    {
        using var reusing = fixture.Model.CreateChatClient();
        using var plain = fixture.Model.CreateChatClient(new LlamaChatOptions { ReusePrefix = false });
        var options = new ChatOptions { MaxOutputTokens = 12 };
        var cached = new List<long>();
        foreach (var question in new[] { "Where is parcel 1?", "Where is parcel 22?", "Cancel order 7." })
        {
            var with = await reusing.GetResponseAsync(Ask(SystemA, question), options);
            var without = await plain.GetResponseAsync(Ask(SystemA, question), options);
            Assert.Equal(without.Text, with.Text);
            Assert.Equal(0, without.Usage!.CachedInputTokenCount);
            Assert.Equal(without.Usage.InputTokenCount, with.Usage!.InputTokenCount);
            cached.Add(with.Usage.CachedInputTokenCount!.Value);
        }

        Assert.Equal(0, cached[0]);
        Assert.True(cached[1] > SystemA.Length / 2, $"reused {cached[1]} tokens");
        Assert.True(cached[2] > SystemA.Length / 2, $"reused {cached[2]} tokens");
    }

    [Fact]
    public async Task A_prefix_left_for_another_one_is_saved_and_comes_back()
    {
        using var reusing = fixture.Model.CreateChatClient();
        using var plain = fixture.Model.CreateChatClient(new LlamaChatOptions { ReusePrefix = false });
        var options = new ChatOptions { MaxOutputTokens = 8 };
        var calls = new[] { (SystemA, "Where is parcel 1?"), (SystemB, "Translate 'red shoe'."), (SystemA, "Where is parcel 2?"), (SystemB, "Translate 'blue hat'.") };
        var cached = new List<long>();
        foreach (var (system, question) in calls)
        {
            var with = await reusing.GetResponseAsync(Ask(system, question), options);
            var without = await plain.GetResponseAsync(Ask(system, question), options);
            Assert.Equal(without.Text, with.Text);
            cached.Add(with.Usage!.CachedInputTokenCount!.Value);
        }

        // The third and fourth calls come back to prefixes that were pushed out of the KV cache by the call before.
        Assert.True(cached[2] > SystemA.Length / 2, $"reused {cached[2]} tokens");
        Assert.True(cached[3] > SystemB.Length / 2, $"reused {cached[3]} tokens");
    }

    [Fact]
    public async Task Without_room_for_saved_prefixes_only_the_resident_one_is_reused()
    {
        using var model = LlamaModel.Load(fixture.Path, new LlamaModelOptions { ContextSize = 2048, GpuLayerCount = 0, PrefixCacheBytes = 0 });
        using var client = model.CreateChatClient();
        var options = new ChatOptions { MaxOutputTokens = 4 };
        await client.GetResponseAsync(Ask(SystemA, "a?"), options);
        await client.GetResponseAsync(Ask(SystemB, "b?"), options);
        var back = await client.GetResponseAsync(Ask(SystemA, "c?"), options);
        // Only the chat template's opening and "You " are shared by both system messages.
        Assert.True(back.Usage!.CachedInputTokenCount < 40, $"reused {back.Usage.CachedInputTokenCount} tokens");
    }
}
