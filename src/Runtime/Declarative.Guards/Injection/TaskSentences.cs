namespace Declarative.Guards;

/// <summary>
/// Finds the sentences of a text that could be a request to an assistant, for the classifier's task head: whole
/// sentences of 4 to 40 words that end with '.', '!' or '?', start (after an optional "Please", "Also", "Now",
/// "Kindly", "Instead" or "Then") with a capitalized verb of a fixed list of request verbs ("Write", "Summarize",
/// "Tell", "Find", "Plan"…) or are questions ("What…?", "Can you…?"), and hold no code characters (<c>{}();=&lt;&gt;`|\</c>,
/// dotted names, <c>__</c>). Prose, tables and code yield few of them, so scoring them costs little. Deterministic.
/// </summary>
internal static class TaskSentences
{
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal)
    {
        "write", "compose", "draft", "create", "generate", "produce", "provide", "explain", "describe", "summarize", "summarise",
        "translate", "outline", "analyze", "analyse", "list", "tell", "give", "show", "suggest", "recommend", "design", "craft",
        "compare", "define", "brainstorm", "elaborate", "discuss", "illustrate", "teach", "walk", "help", "name", "calculate",
        "compute", "predict", "classify", "identify", "evaluate", "rewrite", "convert", "find", "search", "look", "research",
        "investigate", "plan", "schedule", "book", "send", "email", "automate", "build", "make", "develop", "implement", "code",
        "program", "script", "estimate", "forecast", "assess", "review", "check", "verify", "determine", "decide", "choose",
        "pick", "rank", "rate", "score", "sort", "organize", "organise", "categorize", "categorise", "extract", "parse", "detect",
        "report", "track", "monitor", "measure", "count", "solve", "prove", "derive", "simplify", "expand", "paraphrase",
        "rephrase", "proofread", "edit", "correct", "fix", "debug", "optimize", "refactor", "recite", "sing", "imagine",
        "pretend", "play", "guess", "narrate", "invent", "propose", "offer", "prepare", "arrange", "compile", "collect",
        "gather", "fetch", "retrieve", "read", "share", "post", "publish", "tweet", "respond", "reply", "answer", "greet",
        "thank", "congratulate", "remind",
    };

    private static readonly HashSet<string> QuestionWords = new(StringComparer.Ordinal)
    {
        "what", "who", "how", "why", "when", "where", "which", "can", "could", "would", "will", "is", "are", "do", "does",
        "what's", "who's", "how's", "where's", "what’s", "who’s", "how’s", "where’s",
    };

    /// <summary>The most request-like sentences of one text the task head reads (the first ones): a bound on what untrusted input can make it embed.</summary>
    internal const int MaxPerText = 32;

    private const string Whitespace = " \t\u00A0\u2009\u202F";

    private static readonly System.Buffers.SearchValues<char> FirstWordEnd = System.Buffers.SearchValues.Create(" \t\u00A0\u2009\u202F,:");

    /// <summary>Whether the '.' at <paramref name="dot"/> ends an abbreviation ("e.g."), which does not end the sentence.</summary>
    private static bool EndsAbbreviation(string text, int lineStart, int dot)
    {
        var start = dot;
        while (start > lineStart && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }

        return text[dot] == '.' && dot - start >= 3 && IsAbbreviation(text.AsSpan(start, dot - start + 1));
    }

    /// <summary>"e.g.", "i.e.", "U.S.": single letters each followed by a dot.</summary>
    private static bool IsAbbreviation(ReadOnlySpan<char> word)
    {
        word = word.TrimEnd(",;:");
        for (var i = 0; i < word.Length; i += 2)
        {
            if (!char.IsLetter(word[i]) || i + 1 >= word.Length || word[i + 1] != '.')
            {
                return false;
            }
        }

        return true;
    }

    private static readonly string[] Openers = ["Please", "Also", "Now", "Kindly", "Instead", "Then"];

    /// <summary>The candidate sentences of <paramref name="text"/>, as (start, length) in it, in order.</summary>
    public static IEnumerable<(int Start, int Length)> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lineStart = 0;
        while (lineStart <= text.Length)
        {
            var lineEnd = text.IndexOf('\n', lineStart);
            if (lineEnd < 0)
            {
                lineEnd = text.Length;
            }

            var start = lineStart;
            for (var i = lineStart; i < lineEnd; i++)
            {
                // A sentence ends at '.', '!' or '?' followed by whitespace, or at the end of the line.
                var last = i == lineEnd - 1;
                if (last || (text[i] is '.' or '!' or '?' && char.IsWhiteSpace(text[i + 1]) && !EndsAbbreviation(text, lineStart, i)))
                {
                    var (s, l) = Trim(text, start, i + 1);
                    if (l > 0 && IsCandidate(text.AsSpan(s, l)))
                    {
                        yield return (s, l);
                    }

                    start = i + 1;
                }
            }

            lineStart = lineEnd + 1;
        }
    }

    private static (int Start, int Length) Trim(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return (start, end - start);
    }

    /// <summary>Whether one trimmed sentence passes the gate.</summary>
    internal static bool IsCandidate(ReadOnlySpan<char> sentence)
    {
        // A quoted sentence ("Write a poem…." or “…”) is read inside its quotes.
        if (sentence.Length > 2 && sentence[^1] is '"' or '”' or '\'' or '’')
        {
            sentence = sentence[..^1].TrimStart("\"“'‘");
        }

        if (sentence.Length == 0 || sentence[^1] is not ('.' or '!' or '?') || sentence.IndexOfAny("{}();=<>`|\\") >= 0 || sentence.Contains("__", StringComparison.Ordinal))
        {
            return false;
        }

        var words = 0;
        foreach (var range in sentence.SplitAny(Whitespace))
        {
            var word = sentence[range];
            if (word.Length == 0)
            {
                continue;
            }

            words++;
            var dot = word.IndexOf('.');
            if (dot > 0 && dot < word.Length - 1 && char.IsLetter(word[dot + 1]) && !IsAbbreviation(word))
            {
                return false; // a dotted name (os.path, System.IO): code, not a request
            }
        }

        if (words is < 4 or > 40)
        {
            return false;
        }

        var rest = sentence;
        var opened = false;
        foreach (var opener in Openers)
        {
            if (rest.StartsWith(opener, StringComparison.Ordinal) && rest.Length > opener.Length && (char.IsWhiteSpace(rest[opener.Length]) || rest[opener.Length] == ','))
            {
                rest = rest[opener.Length..].TrimStart(", \t");
                opened = true;
                break;
            }
        }

        var end = rest.IndexOfAny(FirstWordEnd);
        var first = end < 0 ? rest : rest[..end];
        if (first.Length == 0 || (!opened && !char.IsUpper(first[0])))
        {
            return false;
        }

        Span<char> lower = stackalloc char[Math.Min(first.Length, 32)];
        var written = first[..lower.Length].ToLowerInvariant(lower);
        var key = lower[..written];
        var lookup = Verbs.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.Contains(key) || (sentence[^1] == '?' && QuestionWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(key));
    }
}
