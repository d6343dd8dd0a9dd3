using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding;

/// <summary>
/// Compiles the mask engine's code once per process, when the first <see cref="TokenGrammar"/> is made (with the
/// vocabulary's trie, which is built at that moment too), instead of inside the first masks a decoder asks for.
/// </summary>
/// <remarks>
/// The engine's methods are compiled fully optimized on first use (see the README), and a new process met them one by
/// one inside mask steps: the JIT was about half of what a cold process spent computing its first masks. Here one small
/// schema is replayed over a vocabulary of its own (every byte plus a few dozen longer tokens), so nothing learned
/// about the real vocabulary carries over: its trie, memos and masks are per vocabulary and untouched. What does carry
/// over is process-wide by design: the compiled code, and the automata of the warm-up's lexemes (JSON strings and
/// numbers) in the cache every grammar shares. Its keys are names no schema is likely to use, so no key automaton of
/// a real schema is made here.
/// </remarks>
internal static class EngineWarmUp
{
    private static int started;

    /// <summary>Runs the warm-up if no thread has started it yet in this process; returns at once otherwise.</summary>
    public static void EnsureRan()
    {
        if (Interlocked.Exchange(ref started, 1) == 0)
        {
            Run();
        }
    }

    /// <summary>Replays the warm-up documents over the warm-up vocabulary (throws if the engine rejects them).</summary>
    /// <returns>How many masks were computed.</returns>
    internal static int Run()
    {
        var vocabulary = SmallVocabulary();
        var compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile(Schema).Grammar);
        var grammar = new TokenGrammar(compiled, vocabulary);
        var mask = new uint[vocabulary.MaskWords];
        var masks = 0;
        foreach (var document in Documents)
        {
            // Twice: the second replay meets its states again, which keeps their masks and reads them back.
            masks += Replay(grammar, Encoding.UTF8.GetBytes(document), mask);
            masks += Replay(grammar, Encoding.UTF8.GetBytes(document), mask);
        }

        return masks;
    }

    private static int Replay(TokenGrammar grammar, byte[] document, uint[] mask)
    {
        var matcher = grammar.CreateMatcher();
        var position = 0;
        var masks = 1;
        while (position < document.Length)
        {
            matcher.ComputeMask(mask);
            masks++;
            var token = grammar.LongestToken(document.AsSpan(position));
            if (token < 0 || !matcher.TryAdvance(token))
            {
                throw new InvalidOperationException($"The grammar engine's warm-up document was rejected at byte {position}; this is a bug in Declarative.Decoding.");
            }

            position += grammar.Vocabulary[token].Length;
        }

        matcher.ComputeMask(mask);
        _ = matcher.ForcedTokens();
        matcher.Rollback(Math.Min(2, matcher.TokenCount));
        return masks;
    }

    private static Vocabulary SmallVocabulary()
    {
        var tokens = new List<byte[]>();
        for (var b = 0; b < 256; b++)
        {
            tokens.Add([(byte)b]);
        }

        string[] longer =
        [
            "{\"", "\":", "\":\"", "\",\"", ",\"", "\"}", "\"]", "\"},", "[{", "}]", "],\"", "}}", "true", "false", "null",
            "12", "345", "-1", ".5", "e+", "E-", "0,", "2026-", "11-", "T12:", ":00", "Z\"", "wu", "Wx", "Field", "abc",
            " the", "q\u00e9", "\u00e9", "\u20ac", "\ud83d\ude00", "\\n", "\\\"", "\\u00", "a\"", "x\":", "Wx\":",
        ];
        tokens.AddRange(longer.Select(Encoding.UTF8.GetBytes));
        tokens.Add([]); // an end-of-sequence token with no bytes
        return new Vocabulary(tokens, [tokens.Count - 1]);
    }

    // Documents follow the grammar's canonical form (declared order, canonical string escapes).
    // Declared keys, a free-form map, bounded and patterned strings, an enum, integer and number bounds, an array with
    // bounds, a nested object, a union and a date-time: the shapes signature outputs and schemas are made of.
    private const string Schema = """
        {
          "type": "object",
          "properties": {
            "wuTextFieldWx": { "type": "string", "maxLength": 12 },
            "wuCodeFieldWx": { "type": "string", "pattern": "^[a-c]{2}-[0-9]+$" },
            "wuKindFieldWx": { "enum": ["wuOneWx", "wuTwoWx", 3] },
            "wuCountFieldWx": { "type": "integer", "minimum": -5, "maximum": 400 },
            "wuScoreFieldWx": { "type": "number" },
            "wuListFieldWx": { "type": "array", "items": { "type": "string", "minLength": 1 }, "maxItems": 4 },
            "wuNestFieldWx": { "type": "object", "properties": { "wuFlagFieldWx": { "type": "boolean" } }, "required": ["wuFlagFieldWx"], "additionalProperties": false },
            "wuEitherFieldWx": { "anyOf": [{ "type": "null" }, { "type": "integer" }] },
            "wuWhenFieldWx": { "type": "string", "format": "date-time" },
            "wuMapFieldWx": { "type": "object", "additionalProperties": { "type": "number" } }
          },
          "required": ["wuTextFieldWx", "wuCountFieldWx"],
          "additionalProperties": false
        }
        """;

    private static readonly string[] Documents =
    [
        """{"wuTextFieldWx":"qé €😀\n\"\u0001","wuCodeFieldWx":"ab-12","wuKindFieldWx":"wuTwoWx","wuCountFieldWx":345,"wuScoreFieldWx":-1.5e+12,"wuListFieldWx":["abc","x"],"wuNestFieldWx":{"wuFlagFieldWx":true},"wuEitherFieldWx":null,"wuWhenFieldWx":"2026-11-30T12:00:00Z","wuMapFieldWx":{"abc":12,"qé":0.5,"\u001fx":1}}""",
        """{"wuTextFieldWx":"","wuKindFieldWx":3,"wuCountFieldWx":-1,"wuEitherFieldWx":12}""",
    ];
}
