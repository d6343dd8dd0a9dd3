using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Declarative;

/// <summary>
/// The most common value of a field across completions (DSPy's <c>dspy.majority</c>): values are normalized (by default
/// SQuAD-style, as DSPy's <c>normalize_text</c>), values that normalize to nothing are left out, ties go to the value
/// seen first, and the first completion holding the winning value is returned.
/// </summary>
public static partial class Majority
{
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>The vote over a prediction's completions (<see cref="Prediction.Completions"/>, or its values when it has one completion).</summary>
    /// <param name="prediction">The prediction, usually from a call with <see cref="CallSettings.N"/> above 1.</param>
    /// <param name="field">The field to vote on; default the last output field.</param>
    /// <param name="normalize">Maps a value's text to the text compared, or <see langword="null"/> to leave it out; default <see cref="Normalize"/>.</param>
    /// <returns>The vote.</returns>
    public static MajorityVote Of(Prediction prediction, string? field = null, Func<string, string?>? normalize = null)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var completions = prediction.Completions.Count > 0 ? prediction.Completions : [prediction.Values];
        return Of(completions, field ?? prediction.Values.Keys.LastOrDefault() ?? throw new ArgumentException("The prediction has no fields to vote on.", nameof(prediction)), normalize);
    }

    /// <summary>The vote over completions.</summary>
    /// <param name="completions">The completions, at least one.</param>
    /// <param name="field">The field to vote on.</param>
    /// <param name="normalize">Maps a value's text to the text compared, or <see langword="null"/> to leave it out; default <see cref="Normalize"/>.</param>
    /// <returns>
    /// The vote. When no value survives normalization there is no majority: <see cref="MajorityVote.HasWinner"/> is
    /// <see langword="false"/> and the first completion is returned, as DSPy does.
    /// </returns>
    /// <exception cref="ArgumentException">There are no completions, or one lacks the field.</exception>
    public static MajorityVote Of(IReadOnlyList<IReadOnlyDictionary<string, object?>> completions, string field, Func<string, string?>? normalize = null)
    {
        ArgumentNullException.ThrowIfNull(completions);
        ArgumentException.ThrowIfNullOrEmpty(field);
        if (completions.Count == 0)
        {
            throw new ArgumentException("A majority needs at least one completion.", nameof(completions));
        }

        normalize ??= Normalize;
        var keys = new string?[completions.Count];
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var i = 0; i < completions.Count; i++)
        {
            if (!completions[i].TryGetValue(field, out var value))
            {
                throw new ArgumentException($"Completion {i} has no field '{field}'; it has {string.Join(", ", completions[i].Keys)}.", nameof(field));
            }

            var key = normalize(Text(value));
            keys[i] = string.IsNullOrEmpty(key) ? null : key;
            if (keys[i] is not { } k)
            {
                continue;
            }

            if (counts.TryAdd(k, 1))
            {
                order.Add(k);
            }
            else
            {
                counts[k]++;
            }
        }

        if (order.Count == 0)
        {
            return new MajorityVote(null, completions[0], 0, 0, completions.Count);
        }

        var winner = order[0];
        foreach (var candidate in order)
        {
            if (counts[candidate] > counts[winner])
            {
                winner = candidate;
            }
        }

        var index = Array.IndexOf(keys, winner);
        return new MajorityVote(winner, completions[index], index, counts[winner], keys.Count(k => k is not null));
    }

    /// <summary>
    /// SQuAD-style normalization (DSPy's <c>normalize_text</c>): Unicode NFD, lower case, ASCII punctuation removed, the
    /// articles a/an/the removed, whitespace collapsed; <see langword="null"/> when nothing is left.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalized text, or <see langword="null"/>.</returns>
    public static string? Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (!Punctuation.Contains(ch, StringComparison.Ordinal))
            {
                sb.Append(ch);
            }
        }

        var words = Articles().Replace(sb.ToString(), " ").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 ? null : string.Join(' ', words);
    }

    /// <summary>A value as text: strings as they are, numbers in the invariant culture, booleans as Python writes them.</summary>
    internal static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    [GeneratedRegex(@"(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])", RegexOptions.CultureInvariant)]
    private static partial Regex Articles();
}
