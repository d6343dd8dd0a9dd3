using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

public sealed partial class TokenMatcher
{
    // The trie walk runs on canonical parser states (learned transitions); the byte-level matcher follows the walk only
    // when a transition is not known yet. path[..depth] are the bytes of the current trie node; the first `applied` of
    // them have been fed to the matcher.
    private byte[] path = [];

    // The trie the walk is in: the vocabulary's, or (inside a string, see BreakWalk) a witness's break trie, where the
    // per-vocabulary memos and seed masks do not apply.
    private TokenTrie trie = null!;
    private bool inBreak;

    private int applied;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Walk(int node, TokenGrammar.StateInfo info, int state, int depth, Span<uint> mask)
    {
        var automata = info.Automata ?? [];
        var nodes = trie.Nodes;

        // At the root, when most first bytes lead to one automaton standing at the loop of an X* (the inside of a key
        // after its first character), start from every token whose bytes after the first keep that X* alive (one mask
        // per vocabulary), take back the tokens under the other first bytes, and walk only what the seed leaves open.
        ByteDfa? firstByteSeed = null;
        TokenTrie.InsideMemo? firstByteMemo = null;
        var coveredDone = false;
        var coveredBytes = ByteSet.None;
        if (node == 0 && !inBreak)
        {
            if (!info.Learned)
            {
                Learn(info, 0, depth);
            }

            firstByteSeed = FirstByteWitness(info);
            if (firstByteSeed is not null)
            {
                firstByteMemo = trie.MemoFor(firstByteSeed);
                TokenGrammar.StateInfo? group = null;
                var representative = (byte)0;
                var oneState = true;
                for (var child = nodes[0].FirstChild; child >= 0; child = nodes[child].NextSibling)
                {
                    var label = nodes[child].Label;
                    if (Covered(info, label, firstByteSeed))
                    {
                        oneState &= group is null || ReferenceEquals(group, NextOf(info, label));
                        representative = group is null ? label : representative;
                        group ??= NextOf(info, label);
                    }
                }

                // When every covered first byte leads to one parser state whose automaton runs in step with the seed's
                // X*, the tokens the X* keeps alive are marked from one mask, those that leave it are walked once, from
                // their endings (one break trie, made once per vocabulary), and the first bytes covered also include
                // those that lead the automaton into the middle of a character in step with the X* (UTF-8 lead bytes);
                // the tokens under the other first bytes are taken back below and walked on their own.
                if (oneState && group is { Automata: [var (dfa, q, memo), ..] } && dfa.RunsInStepWith(q, firstByteSeed))
                {
                    path[depth] = representative; // any covered first byte stands for all: they lead to the same state
                    if (EndsOutside(dfa.IsAccepting(q) ? Exit(group, depth + 1) : null, firstByteSeed)
                        && trie.BreakTrie(firstByteSeed, 0) is { } breaks)
                    {
                        for (var child = nodes[0].FirstChild; child >= 0; child = nodes[child].NextSibling)
                        {
                            var label = nodes[child].Label;
                            if (info.Next[label] > 0 && NextOf(info, label) is { Sole: true, Automata: [var (d, qb, _), ..] } next
                                && firstByteSeed.Step(0, label) is var wb and >= 0
                                && (ReferenceEquals(d, dfa) ? dfa.InStepFrom(qb, wb, q, firstByteSeed) : CompletesIntoGroup(next, d, qb, wb, firstByteSeed, group, label)))
                            {
                                coveredBytes = coveredBytes.With(label);
                            }
                        }

                        trie.OrInsideBelow(firstByteSeed, 0, mask);
                        BreakWalk(breaks, group, depth + 1, dfa, memo, q, depth + 1, mask);
                        coveredDone = true;
                    }

                    if (applied > depth)
                    {
                        bytes.Rollback(applied - depth);
                        applied = depth;
                    }
                }

                if (!coveredDone)
                {
                    trie.OrAfterFirstByte(firstByteSeed, mask);
                }

                for (var child = nodes[0].FirstChild; child >= 0; child = nodes[child].NextSibling)
                {
                    var label = nodes[child].Label;
                    if (coveredDone ? !coveredBytes.Contains(label) : !Covered(info, label, firstByteSeed))
                    {
                        trie.ClearSubtree(child, mask);
                    }
                }
            }
        }

        for (var child = nodes[node].FirstChild; child >= 0; child = nodes[child].NextSibling)
        {
            var at = nodes[child];
            var label = at.Label;
            if (coveredDone && coveredBytes.Contains(label))
            {
                continue;
            }

            if (!coveredDone && firstByteSeed is not null && Covered(info, label, firstByteSeed))
            {
                if (at.FirstChild >= 0 && !firstByteMemo!.Get(child, 0))
                {
                    var entry = NextOf(info, label)!;
                    var (dfa, q, memo) = entry.Automata![0];
                    path[depth] = label;
                    if (dfa.RunsInStepWith(q, firstByteSeed) && EndsOutside(dfa.IsAccepting(q) ? Exit(entry, depth + 1) : null, firstByteSeed)
                        && trie.BreakTrie(firstByteSeed, child) is { } breaks)
                    {
                        BreakWalk(breaks, entry, depth + 1, dfa, memo, q, depth + 1, mask);
                    }
                    else
                    {
                        WalkAutomaton(child, entry, depth + 1, dfa, memo, q, depth + 1, mask, firstByteSeed, 0);
                    }
                    if (applied > depth)
                    {
                        bytes.Rollback(applied - depth);
                        applied = depth;
                    }
                }

                continue;
            }

            // A running automaton (the inside of a string, say) that stays alive along every path below accepts the whole subtree.
            var whole = false;
            foreach (var (dfa, q, memo) in automata)
            {
                var after = dfa.Step(q, label);
                if (after >= 0 && !inBreak && memo.Get(child, after))
                {
                    whole = true;
                    break;
                }
            }

            if (whole)
            {
                MarkSubtree(child, mask);
                continue;
            }

            var next = info.Next[label];
            if (next < 0)
            {
                // A node with few children asks for those bytes alone; a busy one learns all 256 transitions at once.
                next = trie.ChildCount[node] < FewChildren ? LearnOne(info, label, depth) : Learn(info, label, depth);
            }

            if (next == 0)
            {
                continue;
            }

            trie.MarkAt(child, at.Token, mask);
            if (at.FirstChild < 0)
            {
                continue;
            }

            path[depth] = label;
            var nextInfo = Info(next);

            // Every byte below leads back to the same state, or an automaton running after this byte stays alive along
            // every path below: the whole subtree is allowed.
            // (The self-loop test learns the next state whole, so it is kept for subtrees large enough to repay it.)
            if (InsideAutomaton(nextInfo, child)
                || (trie.SubtreeEnd[child] - trie.SubtreeStart[child] >= LoopTestTokens && Loop(nextInfo, next, depth + 1).IsSupersetOf(trie.BytesBelow[child])))
            {
                MarkBelow(child, mask);
            }
            else
            {
                WalkFrom(child, nextInfo, next, depth + 1, mask);
            }

            if (applied > depth)
            {
                bytes.Rollback(applied - depth);
                applied = depth;
            }
        }
    }

    /// <summary>Walks below <paramref name="node"/> from a parser state, stepping its automaton alone when it is the sole scanner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WalkFrom(int node, TokenGrammar.StateInfo info, int state, int depth, Span<uint> mask)
    {
        if (info.Sole)
        {
            var (dfa, q, memo) = info.Automata![0];
            WalkAutomaton(node, info, depth, dfa, memo, q, depth, mask);
        }
        else
        {
            Walk(node, info, state, depth, mask);
        }
    }
}
