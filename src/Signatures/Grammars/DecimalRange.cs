using System.Globalization;
using System.Numerics;

namespace Declarative.Grammars;

/// <summary>
/// Grammars for decimal numbers (JSON numbers without exponent) between two bounds, each inclusive or exclusive and
/// either open: the integer part is a range, and the fraction's digits are compared with the bound's digits one by
/// one, so the language is exact.
/// </summary>
internal sealed class DecimalRange
{
    private readonly RuleSet rules;
    private readonly string stem;
    private readonly Dictionary<string, GrammarNode> fractions = new(StringComparer.Ordinal);

    public DecimalRange(RuleSet rules, string stem)
    {
        this.rules = rules;
        this.stem = stem;
    }

    /// <summary>Numbers x with lower ≤ x (or &lt;) and x ≤ upper (or &lt;); a null bound is open.</summary>
    public GrammarNode Between(ExactDecimal? lower, bool lowerExclusive, ExactDecimal? upper, bool upperExclusive)
    {
        if (lower is { } l && upper is { } u && (l.CompareTo(u) > 0 || (l.CompareTo(u) == 0 && (lowerExclusive || upperExclusive))))
        {
            return GrammarNode.Never;
        }

        var alternatives = new List<GrammarNode>();

        // Non-negative part: x >= 0 within the bounds.
        if (upper is not { } up || up.CompareTo(ExactDecimal.Zero) > 0 || (up.CompareTo(ExactDecimal.Zero) == 0 && !upperExclusive))
        {
            var (lo, loStrict) = lower is { } l2 && !l2.IsNegative ? (l2, lowerExclusive) : (ExactDecimal.Zero, false);
            alternatives.Add(Magnitude(lo, loStrict, upper, upperExclusive));
        }

        // Negative part: x < 0, written as '-' and a magnitude m = -x > 0.
        if (lower is not { } low || low.IsNegative)
        {
            var (lo, loStrict) = upper is { } u2 && u2.IsNegative ? (u2.Negate(), upperExclusive) : (ExactDecimal.Zero, true);
            ExactDecimal? hi = lower is { } l3 ? l3.Negate() : null;
            alternatives.Add(GrammarNode.Seq(GrammarNode.Literal("-"), Magnitude(lo, loStrict, hi, lowerExclusive)));
        }

        return GrammarNode.Choice(alternatives);
    }

    /// <summary>Non-negative magnitudes m with lo ≤ m (or &lt;) and m ≤ hi (or &lt;).</summary>
    private GrammarNode Magnitude(ExactDecimal lo, bool loStrict, ExactDecimal? hi, bool hiStrict)
    {
        var kLo = lo.IntegerPart;
        var fLo = lo.FractionDigits;
        if (hi is { } h)
        {
            var kHi = h.IntegerPart;
            var fHi = h.FractionDigits;
            if (kLo == kHi)
            {
                return Part(Int(kLo), fLo, loStrict, fHi, hiStrict);
            }

            var alternatives = new List<GrammarNode>
            {
                Part(Int(kLo), fLo, loStrict, null, false),
                Part(IntegerRange.Between(kLo + 1, kHi - 1), string.Empty, false, null, false),
                Part(Int(kHi), string.Empty, false, fHi, hiStrict),
            };
            return GrammarNode.Choice(alternatives);
        }

        return GrammarNode.Choice(
            Part(Int(kLo), fLo, loStrict, null, false),
            Part(IntegerRange.Between(kLo + 1, null), string.Empty, false, null, false));
    }

    private static GrammarNode Int(BigInteger k) => GrammarNode.Literal(k.ToString(CultureInfo.InvariantCulture));

    /// <summary>An integer part followed by an optional fraction that satisfies the digit bounds.</summary>
    private GrammarNode Part(GrammarNode integer, string lo, bool loStrict, string? hi, bool hiStrict)
    {
        if (integer.IsNever)
        {
            return GrammarNode.Never;
        }

        var alternatives = new List<GrammarNode>();
        if (EmptyAllowed(lo, loStrict, hi, hiStrict))
        {
            alternatives.Add(GrammarNode.Empty);
        }

        var digits = Fraction(lo, loStrict, hi, hiStrict, nonEmpty: true);
        if (!digits.IsNever)
        {
            alternatives.Add(GrammarNode.Seq(GrammarNode.Literal("."), digits));
        }

        return GrammarNode.Seq(integer, GrammarNode.Choice(alternatives));
    }

    /// <summary>Whether the fraction 0 (no digits left) satisfies lo ≤ 0 and 0 ≤ hi.</summary>
    private static bool EmptyAllowed(string lo, bool loStrict, string? hi, bool hiStrict) =>
        lo.Length == 0 && !loStrict && (hi is null || hi.Length > 0 || !hiStrict);

    /// <summary>
    /// Digit strings F with lo ≤ 0.F (strictly when loStrict) and 0.F ≤ hi (strictly when hiStrict; hi null means
    /// below 1); lo and hi are digit strings without trailing zeros.
    /// </summary>
    private GrammarNode Fraction(string lo, bool loStrict, string? hi, bool hiStrict, bool nonEmpty)
    {
        var key = $"{lo}|{loStrict}|{hi ?? "*"}|{hiStrict}|{nonEmpty}";
        if (fractions.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var name = rules.FreeName(stem + "-frac");
        rules.Reserve(name);
        fractions[key] = GrammarNode.Ref(name);
        var alternatives = new List<GrammarNode>();
        if (!nonEmpty && EmptyAllowed(lo, loStrict, hi, hiStrict))
        {
            alternatives.Add(GrammarNode.Empty);
        }

        var l0 = lo.Length > 0 ? lo[0] - '0' : 0;
        var h0 = hi is null ? 10 : hi.Length > 0 ? hi[0] - '0' : 0;
        var loRest = lo.Length > 0 ? lo.Substring(1) : string.Empty;
        var hiRest = hi is null ? null : hi.Length > 0 ? hi.Substring(1) : string.Empty;
        var freeFirst = -1;
        var freeLast = -1;
        for (var d = l0; d <= Math.Min(h0, 9); d++)
        {
            var onLow = d == l0;
            var onHigh = hi is not null && d == h0;
            if (!onLow && !onHigh)
            {
                if (freeFirst < 0)
                {
                    freeFirst = d;
                }

                freeLast = d;
                continue;
            }

            // After digit d the remaining digits must satisfy the remaining bounds.
            var nextLo = onLow ? loRest : string.Empty;
            var nextLoStrict = onLow && loStrict;
            var nextHi = onHigh ? hiRest : null;
            var nextHiStrict = onHigh && hiStrict;
            if (onLow && lo.Length == 0 && !loStrict)
            {
                nextLo = string.Empty;
            }

            var rest = Fraction(nextLo, nextLoStrict, nextHi, nextHiStrict, nonEmpty: false);
            if (!rest.IsNever)
            {
                alternatives.Add(GrammarNode.Seq(GrammarNode.Literal(d.ToString(CultureInfo.InvariantCulture)), rest));
            }
        }

        if (freeFirst >= 0)
        {
            alternatives.Add(GrammarNode.Seq(GrammarNode.Class(new CodePointRange('0' + freeFirst, '0' + freeLast)), GrammarNode.Star(JsonGrammar.Digit)));
        }

        var body = GrammarNode.Choice(alternatives);
        rules.Define(name, body);
        if (body.IsNever)
        {
            fractions[key] = GrammarNode.Never;
            return GrammarNode.Never;
        }

        return GrammarNode.Ref(name);
    }
}
