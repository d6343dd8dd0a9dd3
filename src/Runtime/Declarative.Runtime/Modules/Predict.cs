using Declarative.Tracing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Declarative;

/// <summary>
/// The basic predictor: formats a signature, its demonstrations and the inputs through the context's adapter, calls
/// the chat client, and parses the reply into the outputs (DSPy's <c>dspy.Predict</c>).
/// </summary>
/// <remarks>
/// A predictor holds a signature and demonstrations and nothing else; calls never change it, so one instance can
/// serve concurrent calls. <see cref="WithDemos"/> and <see cref="WithInstructions"/> return new predictors.
/// </remarks>
public class Predict : Module, IInvokableModule
{
    /// <summary>The input field a hint from Refine is passed in (DSPy's <c>hint_</c>).</summary>
    public const string HintField = "hint_";

    private static readonly Field HintInput = new(HintField, FieldRole.Input) { Description = "A hint to the module from an earlier run" };

    private FormattedDemos? demoCache;

    /// <summary>Creates a predictor for a signature.</summary>
    /// <param name="signature">The signature.</param>
    public Predict(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        Signature = signature;
    }

    /// <summary>Creates a predictor for a string signature such as <c>"question -> answer"</c>.</summary>
    /// <param name="signature">The signature text; see <see cref="Declarative.Signature.Parse"/>.</param>
    public Predict(string signature)
        : this(Declarative.Signature.Parse(signature))
    {
    }

    /// <summary>The signature, with the instructions this predictor uses.</summary>
    public Signature Signature { get; private set; }

    /// <summary>The demonstrations shown before each request.</summary>
    public IReadOnlyList<Example> Demos { get; private set; } = [];

    /// <summary>The name used in usage counts and traces; defaults to the signature's name.</summary>
    public string? Name { get; init; }

    /// <summary>A copy with other demonstrations.</summary>
    /// <param name="demos">The demonstrations.</param>
    /// <returns>The new predictor.</returns>
    public Predict WithDemos(IEnumerable<Example> demos)
    {
        ArgumentNullException.ThrowIfNull(demos);
        var copy = (Predict)Clone();
        copy.SetState(Signature, demos.ToArray());
        return copy;
    }

    /// <summary>A copy with other instructions.</summary>
    /// <param name="instructions">The instructions.</param>
    /// <returns>The new predictor.</returns>
    public Predict WithInstructions(string instructions) => WithSignature(Signature.WithInstructions(instructions));

    /// <summary>A copy with another signature (which must have the same fields, as when instructions or descriptions change).</summary>
    /// <param name="signature">The signature.</param>
    /// <returns>The new predictor.</returns>
    public Predict WithSignature(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var copy = (Predict)Clone();
        copy.SetState(signature, Demos);
        return copy;
    }

    /// <summary>
    /// A hint shown to the model as the extra input <see cref="HintField"/>; set only on the per-attempt copies
    /// Refine makes, never on a user's predictor.
    /// </summary>
    internal string? Hint { get; set; }

    /// <summary>Replaces the state in place; used only while loading program state, after every check has passed.</summary>
    internal void SetState(Signature signature, IReadOnlyList<Example> demos)
    {
        Signature = signature;
        Demos = demos;
        demoCache = null;
    }

    /// <inheritdoc />
    public override Module Clone()
    {
        var copy = (Predict)base.Clone();
        copy.demoCache = null;
        return copy;
    }

    /// <summary>Runs the predictor once.</summary>
    /// <param name="inputs">A value for each input field (nullable inputs may be left out).</param>
    /// <param name="context">The client, adapter and trace to run with.</param>
    /// <param name="settings">Settings for this call, over the context's defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentException">An input is missing or unknown.</exception>
    /// <exception cref="AdapterParseException">The reply could not be parsed, even after the JSON fallback.</exception>
    public Task<Prediction> InvokeAsync(IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        if (inputs is Example example && example.InputKeys.Count > 0)
        {
            inputs = example.Inputs();
        }

        CheckInputs(inputs);
        return RunAsync(Signature, inputs, context, settings, cancellationToken);
    }

    /// <summary>Runs a signature (this predictor's, or an extension of it) with this predictor's demonstrations.</summary>
    private protected async Task<Prediction> RunAsync(Signature signature, IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings? settings, CancellationToken cancellationToken)
    {
        var merged = context.Defaults?.Merge(settings) ?? settings ?? Defaults;
        if (merged.N < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), merged.N, "CallSettings.N must be at least 1.");
        }

        if (Hint is { } hint && !signature.TryGetField(HintField, out _))
        {
            signature = signature.Append(HintInput);
            inputs = new Dictionary<string, object?>(inputs) { [HintField] = hint };
        }

        var adapter = context.Adapter;
        using var activity = DeclarativeDiagnostics.StartModule(GetType().Name.Split('`')[0], Name ?? signature.Name, signature, merged.N);
        try
        {
            var outcome = merged.N == 1
                ? await CallOnceAsync(signature, adapter, inputs, context, merged, null, cancellationToken).ConfigureAwait(false)
                : await CallManyAsync(signature, adapter, inputs, context, merged, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("declarative.adapter", outcome.Adapter);
            return outcome;
        }
        catch (Exception ex)
        {
            DeclarativeDiagnostics.Fail(activity, ex);
            throw;
        }
    }

    private static readonly CallSettings Defaults = new();

    private async Task<Prediction> CallManyAsync(Signature signature, Adapter adapter, IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings settings, CancellationToken cancellationToken)
    {
        var calls = new Task<Prediction>[settings.N];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = CallOnceAsync(signature, adapter, inputs, context, settings, i, cancellationToken);
        }

        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        UsageDetails? usage = null;
        foreach (var r in results)
        {
            if (r.Usage is { } u)
            {
                usage ??= new UsageDetails();
                usage.Add(u);
            }
        }

        return new Prediction(results[0].Values, results[0].RawCompletion, results[0].Adapter, usage)
        {
            Completions = results.Select(r => r.Values).ToArray(),
        };
    }

    private async Task<Prediction> CallOnceAsync(Signature signature, Adapter adapter, IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings settings, int? completionIndex, CancellationToken cancellationToken)
    {
        var predictorName = Name ?? signature.Name;
        var activity = DeclarativeDiagnostics.StartAdapter(adapter.Name, predictorName);
        ChatResponse response;
        string text;
        Dictionary<string, object?> outputs;
        string? fallbackFrom = null;
        UsageDetails? usage;
        try
        {
            response = await SendAsync(signature, adapter, inputs, context, settings, completionIndex, predictorName, cancellationToken).ConfigureAwait(false);
            text = response.Text;
            usage = response.Usage;
            try
            {
                outputs = adapter.Parse(signature, text);
            }
            catch (AdapterParseException first) when (adapter is ChatAdapter { UseJsonFallback: true })
            {
                context.Logger.LogWarning(first, "ChatAdapter could not parse the reply of {Predictor}; retrying once with JsonAdapter.", predictorName);
                DeclarativeDiagnostics.ParseFailures.Add(1, new KeyValuePair<string, object?>("declarative.adapter", adapter.Name));
                DeclarativeDiagnostics.Fail(activity, first);
                activity?.Dispose();
                fallbackFrom = adapter.Name;
                adapter = JsonAdapter.Default;
                activity = DeclarativeDiagnostics.StartAdapter(adapter.Name, predictorName);
                activity?.SetTag("declarative.fallback_from", fallbackFrom);
                response = await SendAsync(signature, adapter, inputs, context, settings, completionIndex, predictorName, cancellationToken).ConfigureAwait(false);
                text = response.Text;
                if (response.Usage is { } more)
                {
                    usage ??= new UsageDetails();
                    usage.Add(more);
                }

                outputs = adapter.Parse(signature, text);
            }
        }
        catch (Exception ex)
        {
            if (ex is AdapterParseException)
            {
                DeclarativeDiagnostics.ParseFailures.Add(1, new KeyValuePair<string, object?>("declarative.adapter", adapter.Name));
            }

            DeclarativeDiagnostics.Fail(activity, ex);
            activity?.Dispose();
            throw;
        }

        activity?.Dispose();

        context.Trace?.Record(new TraceEntry(predictorName, signature, inputs, outputs, adapter.Name, fallbackFrom, usage, text));
        return new Prediction(outputs, text, adapter.Name, usage);
    }

    private Task<ChatResponse> SendAsync(Signature signature, Adapter adapter, IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings settings, int? completionIndex, string predictorName, CancellationToken cancellationToken)
    {
        var messages = FormatMessages(signature, adapter, inputs);
        var options = new ChatOptions
        {
            Temperature = settings.Temperature,
            MaxOutputTokens = settings.MaxTokens,
            TopP = settings.TopP,
            Seed = settings.Seed,
            ModelId = settings.ModelId,
            AdditionalProperties = new AdditionalPropertiesDictionary { [OptionKeys.Predictor] = predictorName },
        };
        if (settings.RolloutId is not null)
        {
            options.AdditionalProperties[OptionKeys.RolloutId] = settings.RolloutId;
        }

        if (completionIndex is { } index)
        {
            options.AdditionalProperties[OptionKeys.CompletionIndex] = index;
        }

        adapter.ConfigureOptions(signature, options);
        UntrustedInputs.AddTo(signature, settings.UntrustedFields, options);
        (options.AdditionalProperties ??= [])[OptionKeys.InputFields] = signature.InputFields.Select(f => f.Name).ToArray();
        if (settings.StructuredFields is { Count: > 0 } structured)
        {
            (options.AdditionalProperties ??= [])[OptionKeys.StructuredFields] = structured;
        }

        return context.Client.GetResponseAsync(messages, options, cancellationToken);
    }

    /// <summary>The messages a call would send (system, demonstrations, request), as the adapter formats them.</summary>
    /// <param name="inputs">The input values.</param>
    /// <param name="adapter">The adapter (default <see cref="ChatAdapter.Default"/>).</param>
    /// <returns>The messages.</returns>
    public IList<ChatMessage> FormatMessages(IReadOnlyDictionary<string, object?> inputs, Adapter? adapter = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return FormatMessages(Signature, adapter ?? ChatAdapter.Default, inputs);
    }

    private protected IList<ChatMessage> FormatMessages(Signature signature, Adapter adapter, IReadOnlyDictionary<string, object?> inputs)
    {
        var cache = demoCache;
        if (cache is null || !ReferenceEquals(cache.Adapter, adapter) || !ReferenceEquals(cache.Signature, signature))
        {
            var formatted = new List<ChatMessage>();
            adapter.AddDemoMessages(formatted, signature, Demos);
            cache = new FormattedDemos(adapter, signature, formatted.ToArray());
            demoCache = cache;
        }

        return adapter.Format(signature, cache.Messages, inputs);
    }

    private void CheckInputs(IReadOnlyDictionary<string, object?> inputs)
    {
        foreach (var field in Signature.InputFields)
        {
            if (!inputs.ContainsKey(field.Name) && !field.Shape.IsNullable)
            {
                throw new ArgumentException(
                    $"Input '{field.Name}' of signature '{Signature.Name}' is missing; pass a value for it (inputs: {string.Join(", ", Signature.InputFields.Select(f => f.Name))}).",
                    nameof(inputs));
            }
        }

        foreach (var key in inputs.Keys)
        {
            if (Signature.TryGetField(key, out var field) && field.IsInput)
            {
                continue;
            }

            var unknown = key;
            throw new ArgumentException(
                $"'{unknown}' is not an input of signature '{Signature.Name}'; its inputs are {string.Join(", ", Signature.InputFields.Select(f => f.Name))}.",
                nameof(inputs));
        }
    }

    /// <summary>Demonstration messages formatted once per adapter and signature; replaced, never mutated.</summary>
    private sealed record FormattedDemos(Adapter Adapter, Signature Signature, ChatMessage[] Messages);
}
