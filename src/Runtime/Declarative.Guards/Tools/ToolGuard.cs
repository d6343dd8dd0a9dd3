using System.Text.Json;
using Declarative.Tools;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// Enforces <see cref="GuardOptions.Tools"/> on the requests that pass through <c>UseGuards</c>: each request gets a
/// <see cref="ToolScope"/> that wraps the request's tools with the policy and checks the tool calls of the completion.
/// </summary>
/// <remarks>
/// A run (what <see cref="ToolPolicy.MaxToolCalls"/> limits) is the tool loop that answers one user turn: the calls made
/// since the last user message of the request, plus those made while the request is in flight. Outside
/// <see cref="FunctionInvokingChatClient"/> the guard sees one request per user turn; inside it, it sees every round
/// trip of the loop, each resending the calls made so far, so both orders count the same run.
/// </remarks>
internal sealed class ToolGuard(ToolPolicy policy, GuardAction action)
{
    /// <summary>The name decisions are recorded under.</summary>
    public const string Agent = "UseGuards";

    /// <summary>Starts the scope of one request.</summary>
    public ToolScope Begin(IReadOnlyList<ChatMessage> messages, ChatOptions? chatOptions)
    {
        var tools = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        foreach (var tool in chatOptions?.Tools ?? [])
        {
            if (tool is AIFunction function)
            {
                tools[function.Name] = function;
            }
            else if (tool is AIFunctionDeclaration declaration)
            {
                // Declared only (the application runs it): checked like any tool, never invoked by the guard.
                tools[declaration.Name] = new Declared(declaration);
            }
        }

        var scope = new ToolScope(action, policy.OnBudgetExceeded);
        var run = new ToolRun(tools, policy, Agent, scope, PriorCalls(messages));
        scope.Run = run;
        if (chatOptions?.Tools is { Count: > 0 } given)
        {
            var wrapped = chatOptions.Clone();
            wrapped.Tools = [.. given.Select(t => t is AIFunction f ? new PolicyFunction(f, run) : t)];
            scope.Options = wrapped;
        }
        else
        {
            scope.Options = chatOptions;
        }

        return scope;
    }

    /// <summary>The tool calls in the messages after the last user message: the calls the run has already made.</summary>
    internal static int PriorCalls(IReadOnlyList<ChatMessage> messages)
    {
        var count = 0;
        for (var m = messages.Count - 1; m >= 0 && messages[m].Role != ChatRole.User; m--)
        {
            count += messages[m].Contents.Count(c => c is FunctionCallContent);
        }

        return count;
    }

    /// <summary>A declaration-only tool as a function the policy can check (name, schema, side-effect mark); it has no implementation.</summary>
    private sealed class Declared(AIFunctionDeclaration declaration) : AIFunction
    {
        public override string Name => declaration.Name;

        public override string Description => declaration.Description;

        public override JsonElement JsonSchema => declaration.JsonSchema;

        public override JsonElement? ReturnJsonSchema => declaration.ReturnJsonSchema;

        public override IReadOnlyDictionary<string, object?> AdditionalProperties => declaration.AdditionalProperties;

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"The tool '{Name}' is declared only: the application runs its calls.");
    }
}
