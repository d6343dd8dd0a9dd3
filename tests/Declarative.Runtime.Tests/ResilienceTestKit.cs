using Declarative.Pipeline;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Tests;

/// <summary>Helpers for driving resilient clients under a fake clock.</summary>
internal static class ResilienceTestKit
{
    public static readonly TimeSpan RealTimeout = TimeSpan.FromSeconds(20);

    /// <summary>A pipeline of the resilience middleware alone over <paramref name="inner"/>.</summary>
    public static IChatClient Build(IChatClient inner, ResilienceOptions options) =>
        new ChatClientBuilder(inner).UseResilience(options).Build();

    public static ChatMessage[] Say(string text) => [new(ChatRole.User, text)];

    public static ScriptedChatClient Answers(int count, string modelId = "scripted")
    {
        var scripted = new ScriptedChatClient { ModelId = modelId };
        for (var i = 0; i < count; i++)
        {
            scripted.AnswerRaw("ok");
        }

        return scripted;
    }

    /// <summary>Waits (in real time) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + RealTimeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for a condition.");
            await Task.Delay(2);
        }
    }

    /// <summary>Waits (in real time) until the task's continuations have settled, i.e. it is not yet done after a short pause.</summary>
    public static async Task<bool> CompletesSoonAsync(Task task, int milliseconds = 100)
    {
        await Task.WhenAny(task, Task.Delay(milliseconds));
        return task.IsCompleted;
    }
}
