using System.Diagnostics;
using System.Diagnostics.Metrics;
using Declarative.Pipeline;
using Declarative.Testing;
using Declarative.Tracing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Tests;

/// <summary>Spans of programs, modules, adapters and LM calls, and the LM metrics, as a listener sees them.</summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly List<Activity> spans = [];
    private readonly ActivityListener listener;
    private readonly MeterListener meters = new();
    private readonly List<(string Name, double Value, Dictionary<string, object?> Tags)> measurements = [];

    public TelemetryTests()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DeclarativeDiagnostics.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DeclarativeDiagnostics.SourceName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measure(instrument.Name, value, tags));
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measure(instrument.Name, value, tags));
        meters.Start();
    }

    public void Dispose()
    {
        listener.Dispose();
        meters.Dispose();
    }

    [Fact]
    public async Task A_run_nests_program_module_adapter_and_chat_spans_with_gen_ai_attributes()
    {
        var client = new ChatClientBuilder(new ScriptedChatClient().Answer(("answer", "Paris"))).UseTelemetry().Build();
        var spans = await TracedAsync(() => new Predict("question -> answer") { Name = "qa" }.InvokeAsync(new Dictionary<string, object?> { ["question"] = "Capital of France?" }, new RunContext(client)));
        var program = Assert.Single(spans, s => s.DisplayName.StartsWith("program test ", StringComparison.Ordinal));
        var module = Assert.Single(spans, s => s.DisplayName == "module qa");
        var adapter = Assert.Single(spans, s => s.DisplayName == "adapter ChatAdapter");
        var chat = Assert.Single(spans, s => s.GetTagItem("gen_ai.operation.name") as string == "chat");
        Assert.Equal(program.SpanId, module.ParentSpanId);
        Assert.Equal(module.SpanId, adapter.ParentSpanId);
        Assert.Equal(adapter.SpanId, chat.ParentSpanId);
        Assert.Equal("Predict", module.GetTagItem("declarative.module.kind"));
        Assert.Equal("question: str -> answer: str", module.GetTagItem("declarative.signature"));
        Assert.Equal("scripted", chat.GetTagItem("gen_ai.response.model"));
        Assert.NotNull(chat.GetTagItem("gen_ai.usage.input_tokens"));

        // Prompts hold user data: no span carries them unless asked.
        Assert.DoesNotContain(spans, s => s.TagObjects.Any(t => t.Value?.ToString()?.Contains("Capital of France", StringComparison.Ordinal) == true)
            || s.Events.Any(e => e.Tags.Any(t => t.Value?.ToString()?.Contains("Capital of France", StringComparison.Ordinal) == true)));
    }

    [Fact]
    public async Task Sensitive_data_is_recorded_only_when_enabled()
    {
        var client = new ChatClientBuilder(new ScriptedChatClient().Answer(("answer", "Paris"))).UseTelemetry(new TelemetryOptions { EnableSensitiveData = true }).Build();
        var spans = await TracedAsync(() => new Predict("question -> answer").InvokeAsync(new Dictionary<string, object?> { ["question"] = "Capital of France?" }, new RunContext(client)));
        var chat = Assert.Single(spans, s => s.GetTagItem("gen_ai.operation.name") as string == "chat");
        Assert.True(chat.TagObjects.Any(t => t.Value?.ToString()?.Contains("Capital of France", StringComparison.Ordinal) == true)
            || chat.Events.Any(e => e.Tags.Any(t => t.Value?.ToString()?.Contains("Capital of France", StringComparison.Ordinal) == true)));
    }

    [Fact]
    public async Task Metrics_count_calls_tokens_cost_and_cache_hits_by_predictor()
    {
        var client = new ChatClientBuilder(new ScriptedChatClient().Answer(("answer", "Paris")))
            .UseTelemetry(new TelemetryOptions { Price = (model, usage) => model == "scripted" ? (usage.TotalTokenCount ?? 0) * 0.001 : null })
            .Build();
        await new Predict("question -> answer") { Name = "metered" }.InvokeAsync(new Dictionary<string, object?> { ["question"] = "q" }, new RunContext(client));
        var measurements = Measured("metered");
        var calls = Assert.Single(measurements, m => m.Name == "declarative.lm.calls");
        Assert.Equal(1, calls.Value);
        Assert.Equal(false, calls.Tags["declarative.cache_hit"]);
        Assert.Contains(measurements, m => m.Name == "declarative.lm.tokens" && (string?)m.Tags["gen_ai.token.type"] == "input" && m.Value > 0);
        Assert.Contains(measurements, m => m.Name == "declarative.lm.duration");
        Assert.Contains(measurements, m => m.Name == "declarative.lm.cost" && m.Value > 0);
    }

    [Fact]
    public async Task Failures_are_errors_on_spans_and_meters()
    {
        var client = new ChatClientBuilder(new ThrowingChatClient()).UseTelemetry().Build();
        var spans = await TracedAsync(() => Assert.ThrowsAsync<HttpRequestException>(() => new Predict("question -> answer") { Name = "failing" }.InvokeAsync(new Dictionary<string, object?> { ["question"] = "q" }, new RunContext(client))));
        Assert.Contains(Measured("failing"), m => m.Name == "declarative.lm.errors" && (string?)m.Tags["error.type"] == typeof(HttpRequestException).FullName);
        var module = Assert.Single(spans, s => s.DisplayName.StartsWith("module ", StringComparison.Ordinal));
        Assert.Equal(ActivityStatusCode.Error, module.Status);
    }

    [Fact]
    public async Task Retries_are_counted_by_reason()
    {
        var faulty = new FaultyChatClient(new ScriptedChatClient().Answer(("answer", "Paris"))).FailNext(FaultKind.ServerError, FaultKind.ServiceUnavailable);
        var client = new ChatClientBuilder(faulty).UseTelemetry().UseResilience(new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) }).Build();
        await new Predict("question -> answer") { Name = "retried" }.InvokeAsync(new Dictionary<string, object?> { ["question"] = "q" }, new RunContext(client));
        lock (measurements)
        {
            Assert.True(measurements.Count(m => m.Name == "declarative.lm.retries") >= 2);
        }
    }

    [Fact]
    public async Task A_parse_failure_shows_as_a_failed_adapter_span_and_a_fallback()
    {
        var client = new ChatClientBuilder(new ScriptedChatClient().AnswerRaw("no sections here").AnswerRaw("{\"answer\": \"Paris\"}")).UseTelemetry().Build();
        var spans = await TracedAsync(() => new Predict("question -> answer").InvokeAsync(new Dictionary<string, object?> { ["question"] = "q" }, new RunContext(client)));
        var chatAdapter = Assert.Single(spans, s => s.DisplayName == "adapter ChatAdapter");
        var jsonAdapter = Assert.Single(spans, s => s.DisplayName == "adapter JsonAdapter");
        Assert.Equal(ActivityStatusCode.Error, chatAdapter.Status);
        Assert.Equal("ChatAdapter", jsonAdapter.GetTagItem("declarative.fallback_from"));
        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Name == "declarative.adapter.parse_failures" && (string?)m.Tags["declarative.adapter"] == "ChatAdapter");
        }
    }

    /// <summary>Runs under a program span of its own and returns the spans of that trace (other tests' spans are ignored).</summary>
    private async Task<List<Activity>> TracedAsync(Func<Task> run)
    {
        ActivityTraceId trace;
        using (var program = DeclarativeDiagnostics.StartProgram("test " + Guid.NewGuid().ToString("N")))
        {
            trace = program!.TraceId;
            await run();
        }

        lock (spans)
        {
            return spans.Where(s => s.TraceId == trace).ToList();
        }
    }

    private List<(string Name, double Value, Dictionary<string, object?> Tags)> Measured(string predictor)
    {
        lock (measurements)
        {
            return measurements.Where(m => m.Tags.TryGetValue("declarative.predictor", out var p) && (string?)p == predictor || m.Tags.TryGetValue("declarative.adapter", out _) && !m.Tags.ContainsKey("declarative.predictor")).ToList();
        }
    }

    private void Measure(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (measurements)
        {
            measurements.Add((name, value, copy));
        }
    }

    private sealed class ThrowingChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("boom", null, System.Net.HttpStatusCode.BadGateway);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("boom");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
