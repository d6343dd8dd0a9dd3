using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;

namespace Declarative.Guards;

/// <summary>
/// Rule-based prompt-injection detection: instruction-override phrases in several phrasings, role markers and chat
/// template tokens, fake <c>[[ ## field ## ]]</c> markers, spotlight marker tags, invisible and bidirectional
/// characters, and base64, hex or rot13 payloads (decoded and scanned again). Scores combine as independent evidence
/// (1 − Π(1 − wᵢ) over the distinct kinds found). Thread-safe.
/// </summary>
public static class InjectionRules
{
    // Each phrase rule runs only when one of its anchor words occurs (a vectorized search), so ordinary prose costs
    // a few substring scans instead of a dozen case-insensitive regex passes.
    // The rules anchored at sentence starts (their patterns begin with \G) are tried only at those places
    // (MatchAtSentenceStarts): searched for, their alternations of start conditions cost ~0.5 µs per character.
    private static readonly PhraseRule[] Phrases =
    [
        new(InjectionPatterns.IgnorePrevious, Anchors("ignore", "disregard", "forget", "skip", "bypass", "overrid", "overrul", "abandon", "drop", "neglect", "discard"), "injection.override", "asks to ignore previous instructions", Anchoring.Anywhere, null),
        new(InjectionPatterns.IgnorePreviousLatinScript, Anchors("ignor", "vergiss", "vergessen", "missacht", "oubli", "olvid", "esque", "desconsider", "dimentic", "caso omiso", "yok say", "unut", "rmezden gel", "dikkate alma"), "injection.override", "asks to ignore previous instructions (German, French, Spanish, Portuguese, Italian, Turkish)", Anchoring.Anywhere, null),
        new(InjectionPatterns.ForgetEverything, Anchors("forget", "ignore", "disregard"), "injection.override", "asks to forget the instructions", Anchoring.Anywhere, null),
        new(InjectionPatterns.NewInstructions, Anchors("instruction", "task", "orders", "directive"), "injection.override", "announces new instructions", Anchoring.Anywhere, null),
        new(InjectionPatterns.DoNotFollow, Anchors("follow", "obey", "listen to", "comply"), "injection.override", "asks not to follow the instructions", Anchoring.Anywhere, null),
        new(InjectionPatterns.RoleChange, Anchors("you are now", "from now on", "pretend", "act as", "roleplay", "you have been"), "injection.role_change", "asks the model to take another role", Anchoring.Anywhere, null),
        new(InjectionPatterns.RevealPrompt, Anchors("prompt", "system message", "instructions", "hidden rules", "developer message"), "injection.prompt_leak", "asks for the system prompt", Anchoring.Anywhere, null),
        new(InjectionPatterns.Jailbreak, Anchors("mode", "anything now", "no restrictions", "no limitations", "no filters", "no rules"), "injection.jailbreak", "names a jailbreak", Anchoring.Anywhere, null),
        new(InjectionPatterns.JailbreakWord, Anchors("jailbr", "jail-br"), "injection.jailbreak_word", "says 'jailbreak' (phones are jailbroken too: evidence, not a verdict alone)", Anchoring.Anywhere, null),
        new(InjectionPatterns.OutputDirective, Anchors("your answer", "your response", "your repl", "your output"), "injection.output_directive", "tells the reader what to put in their answer (in data, an instruction to the model)", Anchoring.SentenceBreak, InjectionPatterns.OutputDirectiveFirstWord),
        new(InjectionPatterns.EmbeddedTask, Anchors("write", "compose", "draft", "craft", "generate", "produce", "provide", "create", "develop", "invent", "pen ", "give me", "tell me", "show me", "explain", "describe", "summar", "break down", "elaborate on", "teach me", "walk me", "translate", " say ", "what's", "what is", "what does"), EmbeddedTaskKind, "a task for an assistant (write a poem, explain X, translate Y) inside data", Anchoring.SentenceWord, InjectionPatterns.EmbeddedTaskFirstWord),
        new(InjectionPatterns.DisguiseDirective, Anchors("your message", "your text", "your answer", "your response", "your repl", "your output", "your writing", "your sentences", "your own", "your entire", "your whole", "your next", "your final", "letters", "vowels", "consonants", "characters", "respond", "reply", "answer", "write back", "communicate", "speak", "talk"), DisguiseKind, "asks to encode or scramble the answer (in data, an instruction to the model)", Anchoring.SentenceWord, InjectionPatterns.DisguiseDirectiveFirstWord),
        new(InjectionPatterns.CodeInsertion, Anchors("code block", "code snippet", "code excerpt", "code section", "code segment", "code fragment", "code passage"), "injection.code_insertion", "asks to put a given piece of code into the answer", Anchoring.Anywhere, null),
    ];

    /// <summary>
    /// The finding kinds that only mean injection inside data (documents, tool results, retrieved passages): a directive
    /// about the answer ("keep your answer short") or a task ("write a poem about the sea") is an ordinary request from the user. The guard pipeline drops these
    /// kinds from the score of trusted inputs; <see cref="Scan"/> and <see cref="InjectionDetector"/> report them for any text.
    /// </summary>
    public static IReadOnlySet<string> DataOnlyKinds { get; } = new HashSet<string>(StringComparer.Ordinal) { "injection.output_directive", "injection.code_insertion", DisguiseKind, EmbeddedTaskKind };

    /// <summary>The kind of a directive to encode or scramble the answer ("render your reply in a Caesar cipher") inside data.</summary>
    internal const string DisguiseKind = "injection.disguise_directive";

    /// <summary>The kind of a task for an assistant inside data, found by a rule or by the classifier's task head.</summary>
    internal const string EmbeddedTaskKind = "injection.embedded_task";

    /// <summary>The anchors of all phrase rules, rot13-encoded: the rot13 pass runs only when one occurs.</summary>
    private static readonly SearchValues<string> Rot13Anchors = Anchors(
        [.. new[] { "ignore", "disregard", "forget", "instruction", "prompt", "pretend", "you are now", "jailbreak", "follow", "bypass", "overrid" }.Select(Rot13)]);

    private static readonly SearchValues<string> RoleWords = Anchors("system", "assistant", "developer", "user");

    /// <summary>
    /// Phrase rules for languages of other scripts than the Latin one. Their anchors are not ASCII, and SearchValues looks
    /// for those more slowly, so <see cref="ScanPlain"/> tries them only in text with a character outside ASCII (a
    /// vectorized test).
    /// </summary>
    private static readonly PhraseRule[] OtherScriptPhrases =
    [
        new(InjectionPatterns.IgnorePreviousOtherScripts, Anchors("忽略", "忽视", "忽視", "无视", "無視", "忘记", "忘記", "忘掉", "不要理", "忘れ", "무시", "잊", "игнорир", "проигнорир", "забуд", "не обращай", "تجاهل", "انس", "अनदेखा", "नज़रअंदाज़", "नजरअंदाज", "भूल"), "injection.override", "asks to ignore previous instructions (Chinese, Japanese, Korean, Russian, Arabic, Hindi)", Anchoring.Anywhere, null),
    ];

    /// <summary>The weight of each finding kind in the score.</summary>
    public static IReadOnlyDictionary<string, double> Weights { get; } = new Dictionary<string, double>
    {
        ["injection.override"] = 0.9,
        ["injection.role_change"] = 0.6,
        ["injection.prompt_leak"] = 0.7,
        ["injection.jailbreak"] = 0.7,
        ["injection.jailbreak_word"] = 0.3,
        ["injection.output_directive"] = 0.6,
        ["injection.code_insertion"] = 0.6,
        [DisguiseKind] = 0.6,
        [EmbeddedTaskKind] = 0.6,
        ["injection.role_marker"] = 0.35,
        ["injection.template_token"] = 0.8,
        ["injection.field_marker"] = 0.8,
        ["injection.spotlight_tag"] = 0.9,
        ["injection.encoded"] = 0.9,
        ["unicode.invisible"] = 0.3,
        ["unicode.bidi"] = 0.4,
        ["unicode.tag"] = 0.8,
    };

    /// <summary>Scans <paramref name="text"/> (normalize it first with <see cref="TextNormalizer"/> for best results).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The findings, ordered by position.</returns>
    public static IReadOnlyList<GuardFinding> Scan(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<GuardFinding>();
        ScanPlain(text, found);
        ScanEncoded(text, found);
        if (TextNormalizer.HasHiddenCharacters(text))
        {
            found.AddRange(TextNormalizer.Normalize(text).Removed);
        }

        found.Sort((a, b) => a.Start.CompareTo(b.Start));
        return found;
    }

    /// <summary>The score of a set of findings: 1 − Π(1 − w) over the distinct kinds, in [0, 1].</summary>
    /// <param name="findings">The findings.</param>
    /// <returns>The score.</returns>
    public static double Score(IEnumerable<GuardFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var keep = 1.0;
        foreach (var kind in findings.Select(f => f.Kind).Distinct(StringComparer.Ordinal))
        {
            keep *= 1 - (Weights.TryGetValue(kind, out var w) ? w : 0);
        }

        return 1 - keep;
    }

    private static void ScanPlain(string text, List<GuardFinding> found, int offset = 0, int length = -1)
    {
        var spans = new List<(int Index, int Length)>();
        void Try(PhraseRule phrase)
        {
            if (text.AsSpan().IndexOfAny(phrase.Anchors) < 0)
            {
                return;
            }

            Matches(phrase.Regex(), phrase.Starts, phrase.FirstWord, text, spans);
            foreach (var (index, matched) in spans)
            {
                found.Add(Hit(phrase.Kind, index, matched, phrase.Reason, offset, length));
            }
        }

        foreach (var phrase in Phrases)
        {
            Try(phrase);
        }

        if (text.AsSpan().ContainsAnyExceptInRange('\0', '\u007F'))
        {
            foreach (var phrase in OtherScriptPhrases)
            {
                Try(phrase);
            }
        }

        if (text.AsSpan().IndexOfAny(RoleWords) >= 0)
        {
            Matches(InjectionPatterns.RoleLine(), Anchoring.SentenceBreak, null, text, spans);
            foreach (var (index, matched) in spans)
            {
                found.Add(Hit("injection.role_marker", index, matched, "a line starts with a chat role", offset, length));
            }
        }

        if (text.AsSpan().IndexOfAny('<', '[') >= 0)
        {
            foreach (var m in InjectionPatterns.ChatTemplateToken().EnumerateMatches(text))
            {
                found.Add(Hit("injection.template_token", m.Index, m.Length, "chat template control token", offset, length));
            }
        }

        if (text.Contains("[[", StringComparison.Ordinal))
        {
            foreach (var m in InjectionPatterns.FieldMarker().EnumerateMatches(text))
            {
                found.Add(Hit("injection.field_marker", m.Index, m.Length, "fake [[ ## field ## ]] marker", offset, length));
            }
        }

        if (text.Contains("<<", StringComparison.Ordinal))
        {
            foreach (var m in InjectionPatterns.SpotlightTag().EnumerateMatches(text))
            {
                found.Add(Hit("injection.spotlight_tag", m.Index, m.Length, "untrusted-data marker tag inside the data", offset, length));
            }
        }
    }

    /// <summary>The matches of a phrase rule's pattern in <paramref name="text"/>, in order, into <paramref name="spans"/> (cleared first).</summary>
    private static void Matches(Regex regex, Anchoring starts, Func<Regex>? firstWord, string text, List<(int Index, int Length)> spans)
    {
        spans.Clear();
        if (starts != Anchoring.Anywhere)
        {
            MatchAtSentenceStarts(regex, firstWord?.Invoke(), starts == Anchoring.SentenceWord, text, spans);
            return;
        }

        foreach (var m in regex.EnumerateMatches(text))
        {
            spans.Add((m.Index, m.Length));
        }
    }

    /// <summary>
    /// The matches of a pattern anchored with <c>\G</c>, tried only where it can start: with <paramref name="atWord"/>
    /// (a pattern that starts at a sentence's first word, behind a lookbehind), at the start of the text and at the first
    /// character after each '.', '!', '?', ':' or line break and up to three whitespace characters; otherwise (a pattern
    /// that starts with the break itself or at a line start), at the start, at each of those characters and after each
    /// line break. With <paramref name="firstWord"/>, a place is tried only when its sentence starts with a word it
    /// accepts (the pattern's alternations cost microseconds a place; the check, a tenth of that). The pattern's own
    /// lookbehinds and anchors decide which of the places match. Matches do not overlap, as with
    /// <c>Regex.EnumerateMatches</c>.
    /// </summary>
    private static void MatchAtSentenceStarts(Regex regex, Regex? firstWord, bool atWord, string text, List<(int Index, int Length)> spans)
    {
        var tried = -1; // the last place tried (places come in order)
        var end = 0; // the end of the last match
        int skippedFrom = -1, wordAt = -1; // the last place whose break and whitespace were skipped, and where that ended
        int checkedAt = -1; // the last word start checked against firstWord, and the answer
        var accepted = false;
        Try(0);
        for (var i = text.AsSpan().IndexOfAny(SentenceBreaks); i >= 0;)
        {
            if (atWord)
            {
                var p = i + 1;
                while (p < text.Length && p - i <= 3 && char.IsWhiteSpace(text[p]))
                {
                    p++;
                }

                Try(p);
            }
            else
            {
                Try(i);
                if (text[i] == '\n')
                {
                    Try(i + 1);
                }
            }

            var next = text.AsSpan(i + 1).IndexOfAny(SentenceBreaks);
            i = next < 0 ? -1 : i + 1 + next;
        }

        void Try(int p)
        {
            if (p <= tried || p < end || p >= text.Length)
            {
                return;
            }

            tried = p;
            if (firstWord is not null)
            {
                // The places of a run of breaks and whitespace share the word after it: find it and check it once,
                // or a long run costs its length at each of its places.
                if (p <= skippedFrom || p >= wordAt)
                {
                    skippedFrom = p;
                    wordAt = SkipBreak(text, p);
                }

                if (wordAt != checkedAt)
                {
                    checkedAt = wordAt;
                    accepted = StartsWithWord(text, wordAt, firstWord);
                }

                if (!accepted)
                {
                    return;
                }
            }

            var m = regex.Match(text, p);
            if (m.Success)
            {
                spans.Add((m.Index, m.Length));
                end = Math.Max(m.Index + m.Length, p + 1);
            }
        }
    }

    /// <summary>
    /// Where the sentence at <paramref name="place"/> has its first character: after one '.', '!', '?' or ':' (the
    /// patterns consume at most one) and the whitespace after it.
    /// </summary>
    private static int SkipBreak(string text, int place)
    {
        var p = place;
        if (p < text.Length && text[p] is '.' or '!' or '?' or ':')
        {
            p++;
        }

        while (p < text.Length && char.IsWhiteSpace(text[p]))
        {
            p++;
        }

        return p;
    }

    /// <summary>
    /// Whether the sentence at <paramref name="place"/> (its first character, after one word such as "Please" or "Also")
    /// starts with a word that <paramref name="firstWord"/> accepts: the first word or the one after it. A word is a run
    /// of letters, not only ASCII ones: the patterns' case-insensitive words match the Kelvin sign (U+212A) for 'k'.
    /// </summary>
    private static bool StartsWithWord(string text, int place, Regex firstWord)
    {
        var span = text.AsSpan(place);
        for (var w = 0; w < 2; w++)
        {
            var length = 0;
            while (length < span.Length && char.IsLetter(span[length]))
            {
                length++;
            }

            if (length == 0)
            {
                return false;
            }

            if (firstWord.IsMatch(span[..length]))
            {
                return true;
            }

            span = span[length..];
            span = (span.StartsWith(',') ? span[1..] : span).TrimStart();
        }

        return false;
    }

    /// <summary>Where a phrase rule's pattern can start a match.</summary>
    /// <summary>A phrase rule: its pattern, the words without which it cannot match, what it finds, and where it may start.</summary>
    private readonly record struct PhraseRule(Func<Regex> Regex, SearchValues<string> Anchors, string Kind, string Reason, Anchoring Starts, Func<Regex>? FirstWord);

    private enum Anchoring
    {
        /// <summary>Anywhere: the pattern is searched for.</summary>
        Anywhere,

        /// <summary>At a sentence's first word (the pattern begins with <c>\G</c> and a lookbehind for the break).</summary>
        SentenceWord,

        /// <summary>At a sentence break or a line start (the pattern begins with <c>\G</c> and the break).</summary>
        SentenceBreak,
    }

    private static readonly SearchValues<char> SentenceBreaks = SearchValues.Create(".!?:\n");

    /// <summary>A finding at the match, or, for decoded text (<paramref name="length"/> ≥ 0), at the encoded run.</summary>
    private static GuardFinding Hit(string kind, int index, int matched, string reason, int offset, int length) =>
        length < 0 ? new GuardFinding(kind, index, matched, reason) : new GuardFinding(kind, offset, length, reason);

    private static void ScanEncoded(string text, List<GuardFinding> found)
    {
        // Runs of base64 characters found by hand (a regex tries every word of ordinary prose): 20 or more, with at
        // most two '=' of padding; a run of an even number of hex digits (24 or more) is decoded as hex instead.
        for (var i = 0; i < text.Length;)
        {
            if (!IsBase64Char(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && IsBase64Char(text[i]))
            {
                i++;
            }

            var run = text.AsSpan(start, i - start);
            if (run.Length < 20)
            {
                continue;
            }

            var decoded = run.Length >= 24 && run.Length % 2 == 0 && !run.ContainsAnyExcept(HexDigits) ? DecodeHex(run) : null;
            var encoding = "hex";
            if (decoded is null && run.Length % 4 == 0 && run.TrimEnd('=').Length >= run.Length - 2 && !run.TrimEnd('=').Contains('='))
            {
                decoded = DecodeBase64(run);
                encoding = "base64";
            }

            if (decoded is not null)
            {
                Rescan(decoded, encoding, start, run.Length, found);
            }
        }

        if (text.AsSpan().IndexOfAny(Rot13Anchors) < 0)
        {
            return;
        }

        var rot13 = Rot13(text);
        var spans = new List<(int Index, int Length)>();
        foreach (var phrase in Phrases)
        {
            Matches(phrase.Regex(), phrase.Starts, phrase.FirstWord, rot13, spans);
            foreach (var (index, matched) in spans)
            {
                found.Add(new GuardFinding("injection.encoded", index, matched, $"rot13-encoded text that {phrase.Kind} rules match"));
            }
        }
    }

    private static void Rescan(string decoded, string encoding, int start, int length, List<GuardFinding> found)
    {
        var inner = new List<GuardFinding>();
        ScanPlain(decoded, inner);
        foreach (var kind in inner.Select(f => f.Kind).Distinct(StringComparer.Ordinal))
        {
            found.Add(new GuardFinding("injection.encoded", start, length, $"{encoding}-encoded text that {kind} rules match"));
        }
    }

    private static string? DecodeBase64(ReadOnlySpan<char> run)
    {
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(run.Length)];
        return Convert.TryFromBase64Chars(run, bytes, out var written) ? Printable(bytes.AsSpan(0, written)) : null;
    }

    private static string? DecodeHex(ReadOnlySpan<char> run)
    {
        try
        {
            return Printable(Convert.FromHexString(run));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The bytes as text when they are mostly printable UTF-8 (a decoded payload), otherwise <see langword="null"/>.</summary>
    private static string? Printable(ReadOnlySpan<byte> bytes)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var printable = text.Count(c => !char.IsControl(c) || c is '\n' or '\r' or '\t');
        return text.Length > 0 && printable >= text.Length * 0.95 ? text : null;
    }

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static bool IsBase64Char(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=';

    private static SearchValues<string> Anchors(params string[] words) => SearchValues.Create(words, StringComparison.OrdinalIgnoreCase);

    private static string Rot13(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = c switch
            {
                >= 'a' and <= 'z' => (char)('a' + ((c - 'a' + 13) % 26)),
                >= 'A' and <= 'Z' => (char)('A' + ((c - 'A' + 13) % 26)),
                _ => c,
            };
        }
    });
}
