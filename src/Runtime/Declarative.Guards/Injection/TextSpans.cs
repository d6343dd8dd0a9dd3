namespace Declarative.Guards;

/// <summary>
/// Cuts a text into short spans for sentence-level scoring: lines, then sentences (a '.', '!' or '?' followed by
/// whitespace ends one), merged in order while a span stays within the word limit; a sentence longer than the limit is
/// cut into consecutive pieces of that many words. Deterministic, and every word of the text is in exactly one span, in
/// order (the spans' words, concatenated, are the text's words).
/// </summary>
internal static class TextSpans
{
    /// <summary>The spans of <paramref name="text"/>, each at most <paramref name="maxWords"/> words (joined by single spaces).</summary>
    public static IEnumerable<string> Split(string text, int maxWords)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWords, 1);
        var current = new List<string>(maxWords);
        foreach (var sentence in Sentences(text))
        {
            if (current.Count > 0 && current.Count + sentence.Length > maxWords)
            {
                yield return string.Join(' ', current);
                current.Clear();
            }

            for (var start = 0; start < sentence.Length; start += maxWords)
            {
                var take = Math.Min(maxWords, sentence.Length - start);
                if (take == maxWords)
                {
                    yield return string.Join(' ', sentence, start, take);
                }
                else
                {
                    current.AddRange(sentence.Skip(start).Take(take));
                }
            }
        }

        if (current.Count > 0)
        {
            yield return string.Join(' ', current);
        }
    }

    /// <summary>The words of each sentence, in order; empty sentences are skipped.</summary>
    private static IEnumerable<string[]> Sentences(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var words = new List<string>();
            foreach (var word in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                words.Add(word);
                if (word[^1] is '.' or '!' or '?')
                {
                    yield return [.. words];
                    words.Clear();
                }
            }

            if (words.Count > 0)
            {
                yield return [.. words];
            }
        }
    }
}
