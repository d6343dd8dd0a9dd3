using System.Globalization;

namespace Declarative.Grammars;

/// <summary>
/// Compiles an ECMA-262 regular expression (the dialect of JSON Schema's <c>pattern</c>) into a grammar node over
/// code points. Supported: literals and escapes, <c>.</c>, classes with ranges and negation, <c>\d \w \s</c> and their
/// negations, groups (capturing, <c>(?:…)</c>), alternation, the quantifiers <c>* + ? {n} {n,} {n,m}</c> (lazy forms
/// match the same language), and <c>^</c>/<c>$</c> at the ends of top-level alternatives. Lookaround, backreferences,
/// word boundaries and Unicode property escapes are reported as unsupported.
/// </summary>
public static class RegexCompiler
{
    private static readonly CodePointRange[] Digits = [new('0', '9')];
    private static readonly CodePointRange[] Word = [new('0', '9'), new('A', 'Z'), new('_', '_'), new('a', 'z')];
    private static readonly CodePointRange[] Space =
    [
        new(0x09, 0x0D), new(0x20, 0x20), new(0xA0, 0xA0), new(0x1680, 0x1680), new(0x2000, 0x200A),
        new(0x2028, 0x2029), new(0x202F, 0x202F), new(0x205F, 0x205F), new(0x3000, 0x3000), new(0xFEFF, 0xFEFF),
    ];

    private static readonly CodePointRange[] LineTerminators = [new(0x0A, 0x0A), new(0x0D, 0x0D), new(0x2028, 0x2029)];

    /// <summary>Compiles a pattern that matches anywhere in the text (JSON Schema semantics: unanchored unless <c>^</c>/<c>$</c>).</summary>
    /// <param name="pattern">The regular expression.</param>
    /// <returns>A node matching exactly the strings in which the pattern finds a match.</returns>
    /// <exception cref="GrammarException">The pattern uses an unsupported feature or is malformed.</exception>
    public static GrammarNode CompileSearch(string pattern)
    {
        if (pattern is null)
        {
            throw new ArgumentNullException(nameof(pattern));
        }

        var any = GrammarNode.Star(GrammarNode.NotClass([]));
        var alternatives = new Parser(pattern).ParseTopLevel();
        return GrammarNode.Choice(alternatives.Select(a => GrammarNode.Seq(
            a.StartAnchored ? GrammarNode.Empty : any,
            a.Body,
            a.EndAnchored ? GrammarNode.Empty : any)));
    }

    /// <summary>Compiles a pattern that must match the whole text (anchors optional).</summary>
    /// <param name="pattern">The regular expression.</param>
    /// <returns>The node.</returns>
    /// <exception cref="GrammarException">The pattern uses an unsupported feature or is malformed.</exception>
    public static GrammarNode CompileFull(string pattern)
    {
        if (pattern is null)
        {
            throw new ArgumentNullException(nameof(pattern));
        }

        return GrammarNode.Choice(new Parser(pattern).ParseTopLevel().Select(a => a.Body));
    }

    private sealed class Parser(string pattern)
    {
        private int pos;

        public List<(bool StartAnchored, GrammarNode Body, bool EndAnchored)> ParseTopLevel()
        {
            var result = new List<(bool, GrammarNode, bool)>();
            do
            {
                var start = Try('^');
                var items = new List<GrammarNode>();
                var end = false;
                while (pos < pattern.Length && pattern[pos] != '|')
                {
                    if (pattern[pos] == '$')
                    {
                        pos++;
                        if (pos < pattern.Length && pattern[pos] != '|')
                        {
                            throw Unsupported("'$' before the end of the pattern");
                        }

                        end = true;
                        break;
                    }

                    items.Add(ParseQuantified());
                }

                result.Add((start, GrammarNode.Seq(items), end));
            }
            while (Try('|'));

            if (pos < pattern.Length)
            {
                throw Error($"unexpected '{pattern[pos]}'");
            }

            return result;
        }

        private GrammarNode ParseAlternation()
        {
            var alternatives = new List<GrammarNode>();
            do
            {
                var items = new List<GrammarNode>();
                while (pos < pattern.Length && pattern[pos] != '|' && pattern[pos] != ')')
                {
                    if (pattern[pos] is '^' or '$')
                    {
                        throw Unsupported($"the anchor '{pattern[pos]}' inside a group");
                    }

                    items.Add(ParseQuantified());
                }

                alternatives.Add(GrammarNode.Seq(items));
            }
            while (Try('|'));
            return GrammarNode.Choice(alternatives);
        }

        private GrammarNode ParseQuantified()
        {
            var atom = ParseAtom();
            while (pos < pattern.Length)
            {
                var c = pattern[pos];
                int min;
                int? max;
                if (c == '*')
                {
                    (min, max) = (0, null);
                    pos++;
                }
                else if (c == '+')
                {
                    (min, max) = (1, null);
                    pos++;
                }
                else if (c == '?')
                {
                    (min, max) = (0, 1);
                    pos++;
                }
                else if (c == '{' && TryBraces(out min, out max))
                {
                }
                else
                {
                    break;
                }

                Try('?'); // lazy: same language
                atom = GrammarNode.Repeat(atom, min, max);
            }

            return atom;
        }

        private bool TryBraces(out int min, out int? max)
        {
            min = 0;
            max = null;
            var close = pattern.IndexOf('}', pos);
            if (close < 0)
            {
                return false;
            }

            var body = pattern.Substring(pos + 1, close - pos - 1);
            var comma = body.IndexOf(',');
            var first = comma < 0 ? body : body.Substring(0, comma);
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out min))
            {
                return false;
            }

            if (comma < 0)
            {
                max = min;
            }
            else if (comma < body.Length - 1)
            {
                if (!int.TryParse(body.Substring(comma + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m < min)
                {
                    return false;
                }

                max = m;
            }

            pos = close + 1;
            return true;
        }

        private GrammarNode ParseAtom()
        {
            var c = pattern[pos++];
            switch (c)
            {
                case '.':
                    return GrammarNode.NotClass(LineTerminators);
                case '(':
                    if (Try('?'))
                    {
                        if (!Try(':'))
                        {
                            throw Unsupported("lookaround and named groups");
                        }
                    }

                    var inner = ParseAlternation();
                    if (!Try(')'))
                    {
                        throw Error("missing ')'");
                    }

                    return inner;
                case '[':
                    return ParseClass();
                case '\\':
                    return ParseEscape(inClass: false) is { } node ? node : throw Unsupported("this escape");
                case '*' or '+' or '?' or '{' when c != '{' || TryBracesAhead():
                    throw Error($"nothing to repeat before '{c}'");
                case ')':
                    throw Error("unbalanced ')'");
                case '^' or '$':
                    throw Unsupported($"the anchor '{c}' inside the pattern");
                default:
                    var codePoint = ReadCodePoint(c);
                    return GrammarNode.Class(new CodePointRange(codePoint, codePoint));
            }
        }

        private bool TryBracesAhead()
        {
            var save = pos;
            pos--;
            var ok = TryBraces(out _, out _);
            pos = save;
            return ok;
        }

        private int ReadCodePoint(char c)
        {
            if (char.IsHighSurrogate(c) && pos < pattern.Length && char.IsLowSurrogate(pattern[pos]))
            {
                return char.ConvertToUtf32(c, pattern[pos++]);
            }

            return c;
        }

        private GrammarNode ParseClass()
        {
            var negated = Try('^');
            var ranges = new List<CodePointRange>();
            while (pos < pattern.Length && pattern[pos] != ']')
            {
                var lo = ReadClassAtom(ranges);
                if (lo is null)
                {
                    continue;
                }

                if (pos + 1 < pattern.Length && pattern[pos] == '-' && pattern[pos + 1] != ']')
                {
                    pos++;
                    var hi = ReadClassAtom(ranges) ?? throw Error("a class range ends with a class escape");
                    if (hi < lo)
                    {
                        throw Error("a class range is out of order");
                    }

                    ranges.Add(new CodePointRange(lo.Value, hi));
                }
                else
                {
                    ranges.Add(new CodePointRange(lo.Value, lo.Value));
                }
            }

            if (!Try(']'))
            {
                throw Error("missing ']'");
            }

            return negated ? GrammarNode.NotClass(ranges) : GrammarNode.Class(ranges);
        }

        /// <summary>Reads one class member; class escapes such as \d add their ranges and return null.</summary>
        private int? ReadClassAtom(List<CodePointRange> ranges)
        {
            var c = pattern[pos++];
            if (c != '\\')
            {
                return ReadCodePoint(c);
            }

            var node = ParseEscape(inClass: true) ?? throw Unsupported("this escape in a class");
            if (node is CharClassNode cls && cls.Ranges.Count == 1 && cls.Ranges[0].First == cls.Ranges[0].Last && !IsClassEscape(pattern[pos - 1]))
            {
                return cls.Ranges[0].First;
            }

            ranges.AddRange(((CharClassNode)node).Ranges);
            return null;
        }

        private static bool IsClassEscape(char c) => c is 'd' or 'D' or 'w' or 'W' or 's' or 'S';

        private GrammarNode? ParseEscape(bool inClass)
        {
            if (pos >= pattern.Length)
            {
                throw Error("the pattern ends with '\\'");
            }

            var c = pattern[pos++];
            switch (c)
            {
                case 'd': return GrammarNode.Class(Digits);
                case 'D': return GrammarNode.NotClass(Digits);
                case 'w': return GrammarNode.Class(Word);
                case 'W': return GrammarNode.NotClass(Word);
                case 's': return GrammarNode.Class(Space);
                case 'S': return GrammarNode.NotClass(Space);
                case 'n': return Single('\n');
                case 'r': return Single('\r');
                case 't': return Single('\t');
                case 'f': return Single('\f');
                case 'v': return Single('\v');
                case '0' when pos >= pattern.Length || !char.IsDigit(pattern[pos]): return Single('\0');
                case 'b' when inClass: return Single('\b');
                case 'b' or 'B': throw Unsupported("word boundaries (\\b, \\B)");
                case 'p' or 'P': throw Unsupported("Unicode property escapes (\\p{…})");
                case 'k': throw Unsupported("named backreferences");
                case 'c':
                    if (pos < pattern.Length && char.IsAsciiLetter(pattern[pos]))
                    {
                        return Single(pattern[pos++] % 32);
                    }

                    throw Error("'\\c' must be followed by a letter");
                case 'x':
                    return Single(ReadHex(2));
                case 'u':
                    if (Try('{'))
                    {
                        var close = pattern.IndexOf('}', pos);
                        if (close < 0 || !int.TryParse(pattern.Substring(pos, close - pos), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cp) || cp > CodePointRange.MaxCodePoint)
                        {
                            throw Error("bad \\u{…} escape");
                        }

                        pos = close + 1;
                        return Single(cp);
                    }

                    var unit = ReadHex(4);
                    if (unit is >= 0xD800 and <= 0xDBFF && pos + 1 < pattern.Length && pattern[pos] == '\\' && pattern[pos + 1] == 'u')
                    {
                        pos += 2;
                        var low = ReadHex(4);
                        return Single(char.ConvertToUtf32((char)unit, (char)low));
                    }

                    return Single(unit);
                default:
                    if (char.IsDigit(c))
                    {
                        throw Unsupported("backreferences");
                    }

                    if (char.IsLetterOrDigit(c))
                    {
                        throw Error($"unknown escape '\\{c}'");
                    }

                    return Single(ReadCodePoint(c));
            }
        }

        private int ReadHex(int digits)
        {
            if (pos + digits > pattern.Length
                || !int.TryParse(pattern.Substring(pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            {
                throw Error($"expected {digits} hex digits");
            }

            pos += digits;
            return value;
        }

        private static GrammarNode Single(int codePoint) => GrammarNode.Class(new CodePointRange(codePoint, codePoint));

        private bool Try(char c)
        {
            if (pos < pattern.Length && pattern[pos] == c)
            {
                pos++;
                return true;
            }

            return false;
        }

        private GrammarException Error(string what) => new($"pattern '{pattern}': {what} (at {pos})");

        private GrammarException Unsupported(string what) => new($"pattern '{pattern}' uses {what}, which cannot be compiled to a grammar");
    }
}
