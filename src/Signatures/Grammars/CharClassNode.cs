namespace Declarative.Grammars;

/// <summary>One code point from a set of ranges (surrogate code points are never members).</summary>
public sealed class CharClassNode : GrammarNode
{
    internal CharClassNode(IReadOnlyList<CodePointRange> ranges) => Ranges = ranges;

    /// <inheritdoc />
    public override GrammarNodeKind Kind => GrammarNodeKind.CharClass;

    /// <summary>The ranges, sorted, disjoint and not adjacent.</summary>
    public IReadOnlyList<CodePointRange> Ranges { get; }

    /// <summary>Whether a code point is a member.</summary>
    /// <param name="codePoint">The code point.</param>
    /// <returns>Whether it is in the class.</returns>
    public bool Contains(int codePoint)
    {
        foreach (var range in Ranges)
        {
            if (codePoint < range.First)
            {
                return false;
            }

            if (codePoint <= range.Last)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    private protected override bool EqualsCore(GrammarNode other) => ((CharClassNode)other).Ranges.SequenceEqual(Ranges);

    /// <inheritdoc />
    private protected override int ComputeHash() => Ranges.Aggregate(23, (h, r) => (h * 31) + r.GetHashCode());

    /// <summary>Sorts and merges ranges, removing surrogates.</summary>
    internal static List<CodePointRange> Normalize(IEnumerable<CodePointRange> ranges)
    {
        var sorted = ranges.SelectMany(WithoutSurrogates).OrderBy(r => r.First).ToList();
        var result = new List<CodePointRange>(sorted.Count);
        foreach (var range in sorted)
        {
            if (result.Count > 0 && range.First <= result[result.Count - 1].Last + 1)
            {
                var last = result[result.Count - 1];
                result[result.Count - 1] = new CodePointRange(last.First, Math.Max(last.Last, range.Last));
            }
            else
            {
                result.Add(range);
            }
        }

        return result;
    }

    /// <summary>The code points not in the normalized ranges (and not surrogates).</summary>
    internal static List<CodePointRange> Complement(List<CodePointRange> normalized)
    {
        var result = new List<CodePointRange>();
        var next = 0;
        foreach (var range in normalized)
        {
            if (range.First > next)
            {
                result.Add(new CodePointRange(next, range.First - 1));
            }

            next = range.Last + 1;
        }

        if (next <= CodePointRange.MaxCodePoint)
        {
            result.Add(new CodePointRange(next, CodePointRange.MaxCodePoint));
        }

        return Normalize(result);
    }

    private static IEnumerable<CodePointRange> WithoutSurrogates(CodePointRange range)
    {
        if (range.Last < 0xD800 || range.First > 0xDFFF)
        {
            yield return range;
            yield break;
        }

        if (range.First < 0xD800)
        {
            yield return new CodePointRange(range.First, 0xD7FF);
        }

        if (range.Last > 0xDFFF)
        {
            yield return new CodePointRange(0xE000, range.Last);
        }
    }
}
