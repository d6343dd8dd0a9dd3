using System.Runtime.CompilerServices;
using System.Text.Json;
using Declarative.Tools;
using Declarative.Tracing;
using Microsoft.Extensions.AI;
using static Declarative.Runtime.Tests.Modules.AgentTestKit;

namespace Declarative.Runtime.Tests.Modules;

public class WrappedToolTests
{
    [Fact]
    public async Task Wrapped_tools_apply_the_policy_and_share_one_budget()
    {
        var adds = new Counter();
        var searches = new Counter();
        var trace = new TraceRecorder();
        var policy = new ToolPolicy { AllowedTools = new HashSet<string> { "add" }, MaxToolCalls = 2 };
        var wrapped = policy.Wrap([Add(adds), Search(searches)], trace);

        Assert.Equal(["add", "search"], wrapped.Select(t => t.Name));
        Assert.Equal(Add().JsonSchema.GetRawText(), wrapped[0].JsonSchema.GetRawText());
        var sum = await wrapped[0].InvokeAsync(new AIFunctionArguments { ["a"] = 2, ["b"] = 3 });
        var refused = await wrapped[1].InvokeAsync(new AIFunctionArguments { ["query"] = "x" });
        var overBudget = await wrapped[0].InvokeAsync(new AIFunctionArguments { ["a"] = 1, ["b"] = 1 });

        Assert.Equal("5", sum is JsonElement e ? e.GetRawText() : sum?.ToString());
        Assert.Equal("Refused by policy: tool 'search' is not on the allow-list.", refused);
        Assert.StartsWith("Refused: the run has used all 2 tool calls", (string)overBudget!);
        Assert.Equal(1, adds.Count);
        Assert.Equal(0, searches.Count);
        Assert.Equal([ToolOutcome.Succeeded, ToolOutcome.NotAllowed, ToolOutcome.BudgetExceeded], trace.ToolDecisions.Select(d => d.Outcome));
        Assert.Throws<ArgumentException>(() => policy.Wrap([Add(), Add()]));
    }

    [Fact]
    public async Task FunctionInvokingChatClient_gets_the_refusal_as_the_function_result()
    {
        var sent = new Counter();
        var send = AIFunctionFactory.Create((string to) => { sent.Hit(); return "sent"; }, new AIFunctionFactoryOptions
        {
            Name = "send_mail",
            AdditionalProperties = new Dictionary<string, object?> { [ToolPolicy.SideEffectsKey] = true },
        });
        var model = new ToolCallingClient();
        using var client = new FunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync("mail the boss", new ChatOptions { Tools = [.. ToolPolicy.Default.Wrap([send])] });

        Assert.Equal("done", response.Text);
        Assert.Equal(0, sent.Count);
        var result = Assert.Single(model.SecondRequest!.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Contains("denied by policy", result.Result?.ToString());
    }

    /// <summary>Asks for send_mail once, then answers "done".</summary>
    private sealed class ToolCallingClient : IChatClient
    {
        private int calls;

        public List<ChatMessage>? SecondRequest { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant,
                    [new FunctionCallContent("call-1", "send_mail", new Dictionary<string, object?> { ["to"] = "boss@example.com" })])));
            }

            SecondRequest = messages.ToList();
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "done")));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
