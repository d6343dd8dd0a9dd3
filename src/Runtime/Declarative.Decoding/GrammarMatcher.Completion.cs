using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

public sealed partial class GrammarMatcher
{
    /// <summary>
    /// A shortest run of bytes that completes the document from here (for ending a reply inside a token budget): the
    /// rest of some pending item, then of the items waiting for it, up to the start rule. The result is checked by
    /// feeding it; the matcher does not move.
    /// </summary>
    /// <returns>The bytes (empty when the document is already complete), or <see langword="null"/> when none was found.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte[]? ShortestCompletion()
    {
        if (IsAccepting)
        {
            return [];
        }

        var shortest = grammar.Shortest;
        var memo = new Dictionary<Item, byte[]?>();
        var visiting = new HashSet<Item>();
        byte[]? best = null;
        foreach (var item in sets[^1].Items)
        {
            var candidate = Complete(item, shortest, memo, visiting);
            if (candidate is not null && (best is null || candidate.Length < best.Length))
            {
                best = candidate;
            }
        }

        if (best is null)
        {
            return null;
        }

        // Checked by feeding it: only a completion the matcher accepts is offered.
        if (!TryAdvance(best))
        {
            return null;
        }

        var accepted = IsAccepting;
        Rollback(best.Length);
        return accepted ? best : null;
    }

    /// <summary>The shortest bytes that finish <paramref name="item"/> and then the items waiting for its rule, up to the start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private byte[]? Complete(Item item, ShortestStrings shortest, Dictionary<Item, byte[]?> memo, HashSet<Item> visiting)
    {
        if (memo.TryGetValue(item, out var known))
        {
            return known;
        }

        if (!visiting.Add(item))
        {
            return null; // a cycle through empty rules adds nothing
        }

        byte[]? result = null;
        var rest = shortest.Concat(grammar.Rhs[item.Production], item.Dot, item.State);
        if (rest is not null)
        {
            if (item.Production == grammar.StartProduction && item.Origin == 0)
            {
                result = rest;
            }
            else
            {
                var lhs = grammar.Lhs[item.Production];
                foreach (var waiting in sets[item.Origin].Items)
                {
                    var rhs = grammar.Rhs[waiting.Production];
                    if (waiting.Dot < rhs.Length && rhs[waiting.Dot] == lhs)
                    {
                        var after = Complete(new Item(waiting.Production, waiting.Dot + 1, waiting.Origin), shortest, memo, visiting);
                        if (after is not null && (result is null || rest.Length + after.Length < result.Length))
                        {
                            result = [.. rest, .. after];
                        }
                    }
                }
            }
        }

        visiting.Remove(item);
        memo[item] = result;
        return result;
    }
}
