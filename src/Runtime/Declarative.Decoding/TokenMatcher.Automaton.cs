using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

public sealed partial class TokenMatcher
{
    /// <summary>
    /// The walk inside the sole automaton of the state <paramref name="entry"/> (met at depth <paramref name="entryDepth"/>):
    /// a child is allowed when the automaton takes its byte, or when the automaton may end here and the state after it
    /// (<see cref="TokenGrammar.StateInfo.Exit"/>, the same wherever the automaton ends) takes the byte. No parser state
    /// is made for the automaton's own steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WalkAutomaton(int node, TokenGrammar.StateInfo entry, int entryDepth, ByteDfa dfa, TokenTrie.InsideMemo memo, int q, int depth, Span<uint> mask, ByteDfa? seed = null, int seedState = 0)
    {
        var exit = dfa.IsAccepting(q) ? Exit(entry, entryDepth) : null;

        // A state where some X* may run (its witness) starts from the tokens below this node that the shared X*
        // automaton keeps alive (a mask made once per vocabulary and node, for the root and for large subtrees), and
        // from then on skips every subtree that automaton keeps alive whole: those tokens are all marked already.
        // (Only an X* that starts with many bytes, the inside of a string, say, holds enough tokens to repay its checks: one
        // that starts with a separator, the rest of an object as one lexeme, keeps few and is walked.)
        if (seed is null && !inBreak && (node == 0 || trie.SubtreeEnd[node] - trie.SubtreeStart[node] >= TokenTrie.SeededSubtreeTokens) && dfa.Witness(q) is { } witness
            && witness.AllowedAt(0).Count >= WideWitnessBytes)
        {
            trie.OrInsideBelow(witness, node, mask);
            if (dfa.RunsInStepWith(q, witness) && EndsOutside(exit, witness) && trie.BreakTrie(witness, node) is { } breaks)
            {
                // What remains depends only on how the tokens leave the inside: walk those endings once each.
                BreakWalk(breaks, entry, entryDepth, dfa, memo, q, depth, mask);
                return;
            }

            seed = witness;
            seedState = 0;
        }
        else if (node == 0 && seed is null && !inBreak && trie.JsonChars is { } chars && trie.JsonCharacterCounts is { } counts
            && dfa.CountingSteps(q, chars, counts.MaxCount) is { } steps && EndsOutside(exit ?? AnyExit(entry, entryDepth, dfa, steps), chars))
        {
            // A string of bounded length: the tokens inside with at most the budget's characters, then, per number of
            // characters before they leave, the endings from the automaton's state after that many.
            var budget = steps.Length - 1;
            counts.OrInside(budget, mask);
            for (var c = 0; c <= budget && c <= counts.MaxCount; c++)
            {
                if (counts.Breaks(c) is { } breaks)
                {
                    path.AsSpan(depth, c).Fill((byte)'a');
                    BreakWalk(breaks, entry, entryDepth, dfa, memo, steps[c], depth + c, mask);
                    if (applied > depth)
                    {
                        bytes.Rollback(applied - depth);
                        applied = depth;
                    }
                }
            }

            return;
        }

        var seedMemo = seed is null ? null : trie.MemoFor(seed);
        var row = dfa.RowOf(q);
        var nodes = trie.Nodes;
        for (var child = nodes[node].FirstChild; child >= 0; child = nodes[child].NextSibling)
        {
            var inSeed = seed is null ? -1 : seed.Step(seedState, nodes[child].Label);
            if (inSeed >= 0 && seedMemo!.Get(child, inSeed))
            {
                continue;
            }

            AutomatonChild(child, entry, entryDepth, dfa, memo, row, exit, depth, mask, inSeed >= 0 ? seed : null, inSeed);
        }
    }

    /// <summary>
    /// The walk of the tokens that leave the inside of an X*, when the sole automaton runs in step with that X*
    /// (<see cref="ByteDfa.RunsInStepWith"/>) and the tokens the X* keeps alive are marked: over a break trie
    /// (<see cref="TokenTrie.BreakTrie"/>), whose paths are the endings and stand for every token with that ending
    /// (the inside before it changes nothing). The matcher is
    /// fed the ending as if the inside were empty, which leaves the automaton where it was.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BreakWalk(TokenTrie breaks, TokenGrammar.StateInfo entry, int entryDepth, ByteDfa dfa, TokenTrie.InsideMemo memo, int q, int depth, Span<uint> mask)
    {
        var (savedTrie, savedBreak) = (trie, inBreak);
        (trie, inBreak) = (breaks, true);
        try
        {
            var row = dfa.RowOf(q);
            var exit = dfa.IsAccepting(q) ? Exit(entry, entryDepth) : null;
            var nodes = breaks.Nodes;
            for (var child = nodes[0].FirstChild; child >= 0; child = nodes[child].NextSibling)
            {
                AutomatonChild(child, entry, entryDepth, dfa, memo, row, exit, depth, mask, null, 0);
            }
        }
        finally
        {
            (trie, inBreak) = (savedTrie, savedBreak);
        }
    }

    /// <summary>What follows the automaton's end, when it may end after some number of characters; else null.</summary>
    private TokenGrammar.StateInfo? AnyExit(TokenGrammar.StateInfo entry, int entryDepth, ByteDfa dfa, int[] steps) =>
        steps.Any(dfa.IsAccepting) ? Exit(entry, entryDepth) : null;

    /// <summary>
    /// Whether what follows the automaton's end (null: it cannot end) begins only with bytes the witness refuses at the
    /// end of a whole X: then tokens that end the automaton inside the X* and go on still leave it at a refused byte,
    /// as the break trie assumes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool EndsOutside(TokenGrammar.StateInfo? exit, ByteDfa witness)
    {
        if (exit is null)
        {
            return true;
        }

        for (var b = 0; b < 256; b++)
        {
            if (exit.Next[b] > 0 && witness.Step(0, (byte)b) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One child of a node in <see cref="WalkAutomaton"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AutomatonChild(int child, TokenGrammar.StateInfo entry, int entryDepth, ByteDfa dfa, TokenTrie.InsideMemo memo, int[] row, TokenGrammar.StateInfo? exit, int depth, Span<uint> mask, ByteDfa? seed, int seedState)
    {
        var at = trie.Nodes[child];
        var label = at.Label;
        var after = row[label];
        var exitNext = exit is null ? 0 : exit.Next[label];
        if (after >= 0 && exitNext > 0)
        {
            // Both the automaton and what follows it take the byte: walk on from the real parser state, which holds both.
            path[depth] = label;
            Sync(depth + 1);
            var state = bytes.StateId(grammar.States);
            var info = Info(state);
            if (info.Automata is null)
            {
                Describe(info, bytes.RunningAutomata(), bytes.SoleScannerIsAutomaton());
            }

            trie.MarkAt(child, at.Token, mask);
            WalkFrom(child, info, state, depth + 1, mask);
        }
        else if (after >= 0)
        {
            trie.MarkAt(child, at.Token, mask);
            if (at.FirstChild >= 0)
            {
                // A state with a witness asks the witness's shared memo (a "no" just means walking on); only states
                // without one keep answers of their own. (Neither applies in a break trie.)
                var whole = false;
                if (!inBreak)
                {
                    var shared = dfa.Witness(after);
                    if (shared is not null && !ReferenceEquals(shared, lastWitness))
                    {
                        lastWitness = shared;
                        lastWitnessMemo = trie.MemoFor(shared);
                    }

                    whole = shared is not null ? lastWitnessMemo!.Get(child, 0) : memo.Get(child, after);
                }

                if (whole)
                {
                    MarkBelow(child, mask);
                }
                else
                {
                    path[depth] = label;
                    WalkAutomaton(child, entry, entryDepth, dfa, memo, after, depth + 1, mask, seed, seedState);
                }
            }
        }
        else if (exitNext > 0)
        {
            trie.MarkAt(child, at.Token, mask);
            if (at.FirstChild >= 0)
            {
                path[depth] = label;
                WalkFrom(child, Info(exitNext), exitNext, depth + 1, mask);
            }
        }

        if (applied > depth)
        {
            bytes.Rollback(applied - depth);
            applied = depth;
        }
    }

    /// <summary>
    /// Whether a first byte that leads into another automaton (the first character of a key, its rest running in the
    /// string automaton) stands for the covered first bytes: that automaton finishes the witness's X in step with it and
    /// then only ends, and the parser state after its end is <paramref name="group"/>, where the covered bytes lead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool CompletesIntoGroup(TokenGrammar.StateInfo next, ByteDfa d, int qb, int wb, ByteDfa witness, TokenGrammar.StateInfo group, byte label)
    {
        if (witness.IsAccepting(wb) || !d.CompletesInStepWith(qb, wb, witness))
        {
            return false;
        }

        // The root's walk has fed the matcher at most one byte (the representative's), which path[0] holds again after.
        var representative = path[0];
        if (applied > 0)
        {
            bytes.Rollback(applied);
            applied = 0;
        }

        path[0] = label;
        var exit = Exit(next, 1);
        if (applied > 0)
        {
            bytes.Rollback(applied);
            applied = 0;
        }

        path[0] = representative;
        return ReferenceEquals(exit, group);
    }

    /// <summary>
    /// The X* whose loop most first bytes lead into from a parser state (each letter's next state runs one automaton
    /// alone, standing where that X* may run), or null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ByteDfa? FirstByteWitness(TokenGrammar.StateInfo info)
    {
        ByteDfa? found = null;
        var covered = 0;
        for (var b = (int)'a'; b <= 'z'; b++)
        {
            if (info.Next[b] > 0 && NextOf(info, b) is { Sole: true, Automata: [var (dfa, q, _), ..] } && dfa.Witness(q) is { } witness
                && (found is null || ReferenceEquals(found, witness)))
            {
                found = witness;
                covered++;
            }
        }

        return covered >= 16 ? found : null;
    }

    /// <summary>Whether the first byte leads to one automaton alone, standing where <paramref name="witness"/> may run.</summary>
    private bool Covered(TokenGrammar.StateInfo info, byte label, ByteDfa witness) =>
        info.Next[label] > 0 && NextOf(info, label) is { Sole: true, Automata: [var (dfa, q, _), ..] } && ReferenceEquals(dfa.Witness(q), witness);

    /// <summary>A witness whose X starts with fewer bytes than this is not worth a seed mask and break trie.</summary>
    private const int WideWitnessBytes = 8;

    private ByteDfa? lastWitness;
    private TokenTrie.InsideMemo? lastWitnessMemo;


    /// <summary>The facts (with every transition learned) of the state that follows when the sole automaton of <paramref name="entry"/> ends.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private TokenGrammar.StateInfo Exit(TokenGrammar.StateInfo entry, int entryDepth)
    {
        if (entry.Exit is { } known)
        {
            return known;
        }

        if (applied > entryDepth)
        {
            bytes.Rollback(applied - entryDepth);
            applied = entryDepth;
        }

        Sync(entryDepth);
        bytes.PushExit();
        var state = bytes.StateId(grammar.States);
        var exit = Info(state);
        if (exit.Automata is null)
        {
            Describe(exit, bytes.RunningAutomata(), bytes.SoleScannerIsAutomaton());
        }

        if (!exit.Learned)
        {
            LearnHere(exit);
        }

        bytes.Rollback(1);
        entry.Exit = exit;
        return exit;
    }
}
