using System.Diagnostics;
using System.Globalization;
using Declarative.Tracing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Declarative.Cli;

/// <summary>
/// <c>--telemetry console|otlp</c>: Declarative's spans and metrics for one command. <c>console</c> writes a line per span
/// as it ends and the metric totals at the end, on stderr (stdout stays the command's JSON); <c>otlp</c> exports both
/// with OpenTelemetry's OTLP exporter (endpoint from <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, default localhost:4317).
/// </summary>
internal sealed class TelemetrySession : IDisposable
{
    private readonly TracerProvider tracer;
    private readonly MeterProvider meter;

    private TelemetrySession(TracerProvider tracer, MeterProvider meter)
    {
        this.tracer = tracer;
        this.meter = meter;
    }

    public static TelemetrySession? Start(string? mode, TextWriter stderr)
    {
        if (mode is null)
        {
            return null;
        }

        var traces = Sdk.CreateTracerProviderBuilder().AddSource(DeclarativeDiagnostics.SourceName);
        var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(DeclarativeDiagnostics.SourceName);
        switch (mode)
        {
            case "console":
                traces.AddProcessor(new SimpleActivityExportProcessor(new StderrSpans(stderr)));
                metrics.AddReader(new BaseExportingMetricReader(new StderrMetrics(stderr)));
                break;
            case "otlp":
                traces.AddOtlpExporter();
                metrics.AddOtlpExporter();
                break;
            default:
                throw new CliException($"--telemetry '{mode}' is not known; use console (stderr) or otlp (OTEL_EXPORTER_OTLP_ENDPOINT).");
        }

        return new TelemetrySession(traces.Build()!, metrics.Build()!);
    }

    public void Dispose()
    {
        tracer.ForceFlush();
        meter.ForceFlush();
        tracer.Dispose();
        meter.Dispose();
    }

    private sealed class StderrSpans(TextWriter stderr) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var span in batch)
            {
                var tags = string.Join(' ', span.TagObjects
                    .Where(t => t.Key.StartsWith("gen_ai.", StringComparison.Ordinal) || t.Key.StartsWith("declarative.", StringComparison.Ordinal) || t.Key == "error.type")
                    .Select(t => $"{t.Key}={Convert.ToString(t.Value, CultureInfo.InvariantCulture)}"));
                stderr.WriteLine(FormattableString.Invariant($"span {span.DisplayName} {span.Duration.TotalMilliseconds:F1} ms {span.Status} {tags}").TrimEnd());
            }

            return ExportResult.Success;
        }
    }

    private sealed class StderrMetrics(TextWriter stderr) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    var tags = new List<string>();
                    foreach (var tag in point.Tags)
                    {
                        tags.Add($"{tag.Key}={Convert.ToString(tag.Value, CultureInfo.InvariantCulture)}");
                    }

                    var value = metric.MetricType switch
                    {
                        MetricType.LongSum => point.GetSumLong().ToString(CultureInfo.InvariantCulture),
                        MetricType.DoubleSum => point.GetSumDouble().ToString("G6", CultureInfo.InvariantCulture),
                        MetricType.Histogram => FormattableString.Invariant($"count={point.GetHistogramCount()} sum={point.GetHistogramSum():G6}"),
                        _ => "?",
                    };
                    stderr.WriteLine($"metric {metric.Name} {value} {string.Join(' ', tags)}".TrimEnd());
                }
            }

            return ExportResult.Success;
        }
    }
}
