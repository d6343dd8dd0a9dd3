using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Declarative.Guards;

/// <summary>The guards' spans and metrics, under the <c>Declarative</c> source and meter like the rest of the runtime.</summary>
internal static class GuardDiagnostics
{
    public static ActivitySource Source { get; } = new(Tracing.DeclarativeDiagnostics.SourceName);

    public static Meter Meter { get; } = new(Tracing.DeclarativeDiagnostics.SourceName);

    public static Counter<long> Findings { get; } = Meter.CreateCounter<long>("declarative.guard.findings", "{finding}", "Guard findings, by kind, stage and action.");

    public static Counter<long> Blocked { get; } = Meter.CreateCounter<long>("declarative.guard.blocked", "{call}", "Calls blocked by a guard, by stage.");

    /// <summary>Records a decision: a <c>guard</c> span with one event per finding, metrics, and the log.</summary>
    public static void Record(GuardOptions options, GuardEvent decision)
    {
        options.Log?.Add(decision);
        foreach (var finding in decision.Findings)
        {
            Findings.Add(1, new("kind", finding.Kind), new("stage", decision.Stage), new("action", decision.Action.ToString()));
        }

        if (decision.Action == GuardAction.Block)
        {
            Blocked.Add(1, new KeyValuePair<string, object?>("stage", decision.Stage));
        }

        using var activity = Source.StartActivity("guard " + decision.Stage, ActivityKind.Internal);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("declarative.guard.stage", decision.Stage);
        activity.SetTag("declarative.guard.action", decision.Action.ToString());
        activity.SetTag("declarative.guard.score", decision.Score);
        activity.SetTag("declarative.guard.kinds", string.Join(",", decision.Findings.Select(f => f.Kind).Distinct(StringComparer.Ordinal)));
        foreach (var finding in decision.Findings)
        {
            activity.AddEvent(new ActivityEvent("guard.finding", tags: new ActivityTagsCollection
            {
                ["kind"] = finding.Kind,
                ["reason"] = finding.Reason,
                ["field"] = finding.Field,
                ["start"] = finding.Start,
                ["length"] = finding.Length,
            }));
        }

        if (decision.Action == GuardAction.Block)
        {
            activity.SetStatus(ActivityStatusCode.Error, "blocked by guard: " + string.Join("; ", decision.Findings.Select(f => f.Reason).Distinct(StringComparer.Ordinal)));
        }
    }
}
