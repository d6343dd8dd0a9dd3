using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Declarative.Tracing;

/// <summary>
/// Declarative's telemetry: one <see cref="ActivitySource"/> for spans of programs, modules and adapters, and one
/// <see cref="Meter"/> for LM calls (latency, tokens, cost, errors, cache hits). Both are named
/// <see cref="SourceName"/>; subscribe with OpenTelemetry (<c>AddSource("Declarative")</c>, <c>AddMeter("Declarative")</c>)
/// or any listener. LM-call spans with the OpenTelemetry GenAI conventions come from <c>UseTelemetry</c> on the chat
/// pipeline, under the same source name. Free when nothing listens.
/// </summary>
public static class DeclarativeDiagnostics
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string SourceName = "Declarative";

    internal static ActivitySource Source { get; } = new(SourceName);

    internal static Meter Meter { get; } = new(SourceName);

    internal static Counter<long> Calls { get; } = Meter.CreateCounter<long>("declarative.lm.calls", "{call}", "LM calls made through the pipeline (cache hits included, tagged).");

    internal static Counter<long> Errors { get; } = Meter.CreateCounter<long>("declarative.lm.errors", "{call}", "LM calls that failed, by error type.");

    internal static Counter<long> Tokens { get; } = Meter.CreateCounter<long>("declarative.lm.tokens", "{token}", "Tokens used, by type (input or output).");

    internal static Counter<double> Cost { get; } = Meter.CreateCounter<double>("declarative.lm.cost", "USD", "Money spent, from the price function given to UseTelemetry.");

    internal static Histogram<double> Duration { get; } = Meter.CreateHistogram<double>("declarative.lm.duration", "s", "Latency of LM calls.");

    internal static Counter<long> Retries { get; } = Meter.CreateCounter<long>("declarative.lm.retries", "{attempt}", "Attempts retried by the resilience middleware, by reason.");

    internal static Counter<long> CircuitRejections { get; } = Meter.CreateCounter<long>("declarative.lm.circuit_rejections", "{call}", "Calls refused while the circuit breaker was open.");

    internal static Counter<long> ParseFailures { get; } = Meter.CreateCounter<long>("declarative.adapter.parse_failures", "{reply}", "Replies an adapter could not parse, by adapter.");

    /// <summary>
    /// Starts the span of a program run (a whole module tree called once, an evaluation, an optimization run), under
    /// which the modules' and LM calls' spans nest. Dispose it when the run ends.
    /// </summary>
    /// <param name="name">What is run (a program or command name).</param>
    /// <returns>The activity, or <see langword="null"/> when nothing listens.</returns>
    public static Activity? StartProgram(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var activity = Source.StartActivity("program " + name, ActivityKind.Internal);
        activity?.SetTag("declarative.program", name);
        return activity;
    }

    /// <summary>Starts the span of one predictor call.</summary>
    internal static Activity? StartModule(string kind, string predictor, Signature signature, int completions)
    {
        var activity = Source.StartActivity("module " + predictor, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("declarative.module.kind", kind);
            activity.SetTag("declarative.predictor", predictor);
            activity.SetTag("declarative.signature", signature.ToString());
            activity.SetTag("declarative.completions", completions);
        }

        return activity;
    }

    /// <summary>Starts the span of one adapter round trip (format, LM call, parse).</summary>
    internal static Activity? StartAdapter(string adapter, string predictor)
    {
        var activity = Source.StartActivity("adapter " + adapter, ActivityKind.Internal);
        activity?.SetTag("declarative.adapter", adapter);
        activity?.SetTag("declarative.predictor", predictor);
        return activity;
    }

    /// <summary>Marks a span failed with an exception's type and message (the message only, never raw completions).</summary>
    internal static void Fail(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag("error.type", error.GetType().FullName);
    }
}
