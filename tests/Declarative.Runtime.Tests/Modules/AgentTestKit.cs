using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Tests.Modules;

/// <summary>Tools and clients shared by the agent tests.</summary>
internal static class AgentTestKit
{
    public static Dictionary<string, object?> Args(params (string Name, object? Value)[] args) => args.ToDictionary(a => a.Name, a => a.Value);

    public static ScriptedChatClient Step(this ScriptedChatClient client, string thought, string tool, params (string Name, object? Value)[] args) =>
        client.Answer(("next_thought", thought), ("next_tool_name", tool), ("next_tool_args", Args(args)));

    public static Dictionary<string, object?> Question(string question) => new() { ["question"] = question };

    /// <summary>Counts calls of a tool.</summary>
    internal sealed class Counter
    {
        private int count;

        public int Count => count;

        public void Hit() => Interlocked.Increment(ref count);
    }

    public static AIFunction Add(Counter? counter = null) =>
        AIFunctionFactory.Create((int a, int b) => { counter?.Hit(); return a + b; }, "add", "Adds two integers.");

    public static AIFunction Search(Counter? counter = null) =>
        AIFunctionFactory.Create((string query) => { counter?.Hit(); return "Paris is the capital of France."; }, "search", "Searches the web.");
}

/// <summary>Throws a context overflow for requests holding a marker, a set number of times, then passes requests on.</summary>
internal sealed class OverflowingChatClient(IChatClient inner, string marker, int times, string message) : DelegatingChatClient(inner)
{
    private int left = times;

    public int Overflows { get; private set; }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        if (left > 0 && list.Any(m => m.Text.Contains(marker, StringComparison.Ordinal)))
        {
            left--;
            Overflows++;
            throw new InvalidOperationException(message);
        }

        return base.GetResponseAsync(list, options, cancellationToken);
    }
}
