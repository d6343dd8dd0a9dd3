using Microsoft.Extensions.AI;

namespace Declarative.Tools;

/// <summary>
/// A tool wrapped by <see cref="ToolPolicy.Wrap"/>: each invocation goes through the shared <see cref="ToolRun"/>, so
/// the policy's checks, approval and budget apply; a refused or failed call returns its observation text instead of
/// running or throwing.
/// </summary>
internal sealed class PolicyFunction(AIFunction inner, ToolRun run) : DelegatingAIFunction(inner)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var (decision, result) = await run.InvokeAsync(Name, arguments.ToDictionary(a => a.Key, a => a.Value), cancellationToken).ConfigureAwait(false);
        return decision.Outcome == ToolOutcome.Succeeded ? result : decision.Observation;
    }
}
