using System.Globalization;
using System.Numerics;

namespace Declarative.Grammars;

/// <summary>Grammars for the decimal spellings of the integers in a range (canonical: no leading zeros, no <c>-0</c>).</summary>
public static class IntegerRange
{
    /// <summary>The integers from <paramref name="min"/> to <paramref name="max"/> inclusive (either may be unbounded).</summary>
    /// <param name="min">The least integer, or <see langword="null"/>.</param>
    /// <param name="max">The greatest integer, or <see langword="null"/>.</param>
    /// <returns>The node (<see cref="GrammarNode.Never"/> for an empty range).</returns>
    public static GrammarNode Between(BigInteger? min, BigInteger? max)
    {
        if (min is { } lo && max is { } hi && lo > hi)
        {
            return GrammarNode.Never;
        }

        var alternatives = new List<GrammarNode>();

        // Negative part: -(k) for k in [max(1, -max), -min]
        if (min is null || min < 0)
        {
            BigInteger low = max is { } mx && mx < 0 ? -mx : 1;
            BigInteger? high = min is { } mn ? -mn : null;
            alternatives.Add(GrammarNode.Seq(GrammarNode.Literal("-"), NonNegative(low, high)));
        }

        // Non-negative part: [max(0, min), max]
        if (max is null || max >= 0)
        {
            BigInteger low = min is { } mn && mn > 0 ? mn : 0;
            alternatives.Add(NonNegative(low, max));
        }

        return GrammarNode.Choice(alternatives);
    }

    /// <summary>Non-negative integers in [low, high] (high unbounded when null), low ≥ 0.</summary>
    private static GrammarNode NonNegative(BigInteger low, BigInteger? high)
    {
        var alternatives = new List<GrammarNode>();
        var lowText = low.ToString(CultureInfo.InvariantCulture);
        var maxLength = high is { } h ? h.ToString(CultureInfo.InvariantCulture).Length : lowText.Length;
        for (var length = lowText.Length; length <= maxLength; length++)
        {
            var first = length == 1 ? BigInteger.Zero : BigInteger.Pow(10, length - 1);
            var last = BigInteger.Pow(10, length) - 1;
            var a = BigInteger.Max(first, low);
            var b = high is { } hh ? BigInteger.Min(last, hh) : last;
            if (a <= b)
            {
                alternatives.Add(SameLength(a.ToString(CultureInfo.InvariantCulture), b.ToString(CultureInfo.InvariantCulture)));
            }
        }

        if (high is null)
        {
            // Every longer number.
            alternatives.Add(GrammarNode.Seq(GrammarNode.Class(new CodePointRange('1', '9')), GrammarNode.Repeat(JsonGrammar.Digit, maxLength, null)));
        }

        return GrammarNode.Choice(alternatives);
    }

    /// <summary>Digit strings of equal length between lo and hi inclusive.</summary>
    private static GrammarNode SameLength(string lo, string hi)
    {
        if (lo.Length == 0)
        {
            return GrammarNode.Empty;
        }

        if (lo == hi)
        {
            return GrammarNode.Literal(lo);
        }

        var restLength = lo.Length - 1;
        if (lo[0] == hi[0])
        {
            return GrammarNode.Seq(GrammarNode.Literal(lo.Substring(0, 1)), SameLength(lo.Substring(1), hi.Substring(1)));
        }

        var loRest = lo.Substring(1);
        var hiRest = hi.Substring(1);
        var allNines = new string('9', restLength);
        var allZeros = new string('0', restLength);
        var alternatives = new List<GrammarNode>();
        var firstFull = lo[0];
        var lastFull = hi[0];
        if (loRest != allZeros)
        {
            alternatives.Add(GrammarNode.Seq(GrammarNode.Literal(lo.Substring(0, 1)), SameLength(loRest, allNines)));
            firstFull++;
        }

        if (hiRest != allNines)
        {
            lastFull--;
        }

        if (firstFull <= lastFull)
        {
            alternatives.Add(GrammarNode.Seq(GrammarNode.Class(new CodePointRange(firstFull, lastFull)), GrammarNode.Repeat(JsonGrammar.Digit, restLength, restLength)));
        }

        if (hiRest != allNines)
        {
            alternatives.Add(GrammarNode.Seq(GrammarNode.Literal(hi.Substring(0, 1)), SameLength(allZeros, hiRest)));
        }

        return GrammarNode.Choice(alternatives);
    }
}
