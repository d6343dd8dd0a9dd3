using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Declarative;

/// <summary>
/// A training example or demonstration: named values (inputs and labels), with the names of the inputs marked.
/// Examples are immutable; <see cref="WithInputs"/> and <see cref="With"/> return new ones.
/// </summary>
public sealed class Example : IReadOnlyDictionary<string, object?>
{
    private readonly KeyValuePair<string, object?>[] entries;
    private readonly HashSet<string> inputNames;

    /// <summary>Creates an example.</summary>
    /// <param name="values">The values by field name, in order.</param>
    /// <param name="inputKeys">The names of the input values; <see langword="null"/> when not yet marked.</param>
    public Example(IEnumerable<KeyValuePair<string, object?>> values, IEnumerable<string>? inputKeys = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new List<KeyValuePair<string, object?>>();
        foreach (var pair in values)
        {
            var index = list.FindIndex(p => p.Key == pair.Key);
            if (index >= 0)
            {
                list[index] = pair;
            }
            else
            {
                list.Add(pair);
            }
        }

        entries = list.ToArray();
        inputNames = inputKeys is null ? [] : new HashSet<string>(inputKeys, StringComparer.Ordinal);
    }

    /// <summary>Creates an example from name/value pairs.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The example, with no inputs marked.</returns>
    public static Example Of(params (string Name, object? Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, object?>(v.Name, v.Value)));

    /// <summary>The names of the input values.</summary>
    public IReadOnlySet<string> InputKeys => inputNames;

    /// <summary>A copy with the given names marked as inputs (DSPy's <c>with_inputs</c>).</summary>
    /// <param name="keys">The input names.</param>
    /// <returns>The new example.</returns>
    public Example WithInputs(params string[] keys) => new(entries, keys);

    /// <summary>A copy with one value added or replaced.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new example.</returns>
    public Example With(string name, object? value) => new(entries.Append(new(name, value)), inputNames);

    /// <summary>The input values only.</summary>
    /// <returns>A new dictionary.</returns>
    public IReadOnlyDictionary<string, object?> Inputs() =>
        entries.Where(e => inputNames.Contains(e.Key)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>The values that are not inputs (the labels).</summary>
    /// <returns>A new dictionary.</returns>
    public IReadOnlyDictionary<string, object?> Labels() =>
        entries.Where(e => !inputNames.Contains(e.Key)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <inheritdoc />
    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The example has no value '{key}'; it has {string.Join(", ", Keys)}.");

    /// <inheritdoc />
    public IEnumerable<string> Keys => entries.Select(e => e.Key);

    /// <inheritdoc />
    public IEnumerable<object?> Values => entries.Select(e => e.Value);

    /// <inheritdoc />
    public int Count => entries.Length;

    /// <inheritdoc />
    public bool ContainsKey(string key) => Array.FindIndex(entries, e => e.Key == key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        foreach (var entry in entries)
        {
            if (entry.Key == key)
            {
                value = entry.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => "Example(" + string.Join(", ", entries.Select(e => $"{e.Key}={e.Value}")) + ")";
}
