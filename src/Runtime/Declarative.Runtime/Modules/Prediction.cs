using Microsoft.Extensions.AI;

namespace Declarative;

/// <summary>The result of a predictor call: the output values, the reasoning (for chain of thought), usage and the raw completion.</summary>
public class Prediction
{
    /// <summary>Creates a prediction.</summary>
    /// <param name="values">The output values by field name.</param>
    /// <param name="rawCompletion">The completion text the values were parsed from.</param>
    /// <param name="adapter">The adapter that parsed it.</param>
    /// <param name="usage">Token usage, when reported.</param>
    public Prediction(IReadOnlyDictionary<string, object?> values, string rawCompletion, string adapter, UsageDetails? usage)
    {
        Values = values ?? throw new ArgumentNullException(nameof(values));
        RawCompletion = rawCompletion ?? throw new ArgumentNullException(nameof(rawCompletion));
        Adapter = adapter;
        Usage = usage;
    }

    /// <summary>The output values by field name (including <c>reasoning</c> for chain of thought).</summary>
    public IReadOnlyDictionary<string, object?> Values { get; }

    /// <summary>The completion text the values were parsed from.</summary>
    public string RawCompletion { get; }

    /// <summary>The adapter whose parse succeeded (<c>JsonAdapter</c> after a fallback).</summary>
    public string Adapter { get; }

    /// <summary>Token usage of the call (all completions together), when the client reported it.</summary>
    public UsageDetails? Usage { get; }

    /// <summary>The model's reasoning, for chain-of-thought predictions; otherwise <see langword="null"/>.</summary>
    public string? Reasoning => Values.TryGetValue("reasoning", out var r) ? r as string : null;

    /// <summary>All completions when several were asked for (<see cref="CallSettings.N"/>); the first is this one's values.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Completions { get; init; } = [];

    /// <summary>An output value.</summary>
    /// <param name="name">The field name.</param>
    public object? this[string name] => Values.TryGetValue(name, out var v)
        ? v
        : throw new KeyNotFoundException($"The prediction has no field '{name}'; it has {string.Join(", ", Values.Keys)}.");

    /// <summary>An output value converted to <typeparamref name="TValue"/>.</summary>
    /// <typeparam name="TValue">The expected type.</typeparam>
    /// <param name="name">The field name.</param>
    /// <returns>The value.</returns>
    public TValue Get<TValue>(string name) => this[name] is TValue v
        ? v
        : throw new InvalidCastException($"Field '{name}' holds {this[name]?.GetType().Name ?? "null"}, not {typeof(TValue).Name}.");
}

/// <summary>The result of a typed predictor call: <see cref="Value"/> is the signature type with its inputs and outputs filled in.</summary>
/// <typeparam name="T">The signature type.</typeparam>
public sealed class Prediction<T> : Prediction
{
    /// <summary>Creates a typed prediction.</summary>
    /// <param name="value">The typed value.</param>
    /// <param name="untyped">The untyped prediction it came from.</param>
    public Prediction(T value, Prediction untyped)
        : base(untyped.Values, untyped.RawCompletion, untyped.Adapter, untyped.Usage)
    {
        Value = value;
        Completions = untyped.Completions;
        Untyped = untyped;
    }

    /// <summary>The untyped prediction this one came from (for example a <see cref="ReActPrediction"/>, with its trajectory).</summary>
    public Prediction Untyped { get; }

    /// <summary>The signature type with inputs and outputs filled in.</summary>
    public T Value { get; }
}
