using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// Scans what the tools of one request return, when an invoker inside the guard runs them through the request's
/// options: each result is untrusted data, scored by the detector; a result at or over the threshold becomes findings
/// named <c>(tool result: NAME)</c>, and under <see cref="GuardAction.Block"/> the model gets a notice in its place and
/// the invoker's loop ends (the guard then throws when the response comes back). Thread-safe: an invoker may run
/// several calls at once.
/// </summary>
internal sealed class ToolResultScan(GuardOptions options)
{
    private readonly List<GuardFinding> findings = [];
    private double score;
    private bool injected;

    /// <summary>The request options with every <see cref="AIFunction"/> wrapped so that its result is scanned; the given options when there is none.</summary>
    public ChatOptions? Wrap(ChatOptions? chatOptions)
    {
        if (chatOptions?.Tools is not { Count: > 0 } tools || !tools.Any(t => t is AIFunction))
        {
            return chatOptions;
        }

        var wrapped = chatOptions.Clone();
        wrapped.Tools = [.. tools.Select(t => t is AIFunction f ? new ScannedFunction(f, this) : t)];
        return wrapped;
    }

    /// <summary>The findings so far, and the largest score; taking them empties the list.</summary>
    public (IReadOnlyList<GuardFinding> Findings, double Score, bool Injected) Take()
    {
        lock (findings)
        {
            var taken = (findings.ToArray(), score, injected);
            findings.Clear();
            injected = false;
            score = 0;
            return taken;
        }
    }

    private async ValueTask<object?> InspectAsync(string name, object? result, CancellationToken cancellationToken)
    {
        if (result is null || ToolResultText.Of(result) is not { Length: > 0 } text)
        {
            return result;
        }

        // The raw text: the detector normalizes it itself and weighs what it removed (hidden tag text is an injection).
        var report = (await options.Detector.DetectAsync([text], _ => true, cancellationToken).ConfigureAwait(false))[0];
        var flagged = report.Score >= options.InjectionThreshold;
        lock (findings)
        {
            score = Math.Max(score, report.Score);
            injected |= flagged;
            findings.AddRange(ToolResultText.Findings(report, flagged, name));
        }

        if (!flagged || options.InjectionAction != GuardAction.Block)
        {
            return result;
        }

        if (FunctionInvokingChatClient.CurrentContext is { } context)
        {
            context.Terminate = true;
        }

        return $"The result of '{name}' was withheld by the guard: it carries a prompt injection ({string.Join(", ", report.Findings.Select(f => f.Kind).Distinct())}).";
    }

    private sealed class ScannedFunction(AIFunction inner, ToolResultScan scan) : DelegatingAIFunction(inner)
    {
        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
            await scan.InspectAsync(Name, await base.InvokeCoreAsync(arguments, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What the model reads of a tool result, for scanning.</summary>
internal static class ToolResultText
{
    /// <summary>The field name findings in a tool result carry.</summary>
    public static string FieldName(string tool) => $"(tool result: {tool})";

    /// <summary>
    /// What a tool result's report adds to the guard's findings, named after the tool: the invisible characters it holds
    /// always (the detector's report carries them; a result is never rewritten), the rest when it was flagged.
    /// </summary>
    public static IEnumerable<GuardFinding> Findings(InjectionReport report, bool flagged, string tool)
    {
        var field = FieldName(tool);
        return report.Findings.Where(f => flagged || f.Kind.StartsWith("unicode.", StringComparison.Ordinal)).Select(f => f with { Field = field });
    }

    /// <summary>A string as it is, JSON as written, anything else as JSON (or its ToString when it cannot be serialized).</summary>
    public static string? Of(object value)
    {
        switch (value)
        {
            case string text:
                return text;
            case System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } element:
                return element.GetString();
            case System.Text.Json.JsonElement element:
                return element.GetRawText();
            case TextContent content:
                return content.Text;
        }

        try
        {
            return System.Text.Json.JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return value.ToString(); // still scanned, as the text an invoker would fall back to
        }
    }
}
