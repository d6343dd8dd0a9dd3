using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

/// <summary>
/// Constrains token sampling to a grammar: computes the mask of allowed token ids at each step, advances by the
/// sampled token, and rolls back (for speculative decoding). End-of-sequence tokens are allowed exactly when the text
/// so far is a complete document. One matcher per sequence; the grammar and the <see cref="TokenGrammar"/> are shared.
/// </summary>
public sealed class TokenMatcher
{
    private readonly TokenGrammar grammar;
    private readonly GrammarMatcher bytes;
    private readonly Stack<int> tokenLengths = new();

    /// <summary>Creates a matcher at the start of a document.</summary>
    /// <param name="grammar">The grammar bound to a vocabulary.</param>
    public TokenMatcher(TokenGrammar grammar)
    {
        this.grammar = grammar ?? throw new ArgumentNullException(nameof(grammar));
        bytes = new GrammarMatcher(grammar.Grammar);
        path = new byte[grammar.Trie.MaxDepth + 1];
        trie = grammar.Trie;
    }

    /// <summary>The grammar bound to a vocabulary that this matcher follows.</summary>
    public TokenGrammar Grammar => grammar;

    /// <summary>How many tokens have been accepted.</summary>
    public int TokenCount => tokenLengths.Count;

    /// <summary>Whether the text so far is a complete document.</summary>
    public bool IsAccepting => bytes.IsAccepting;

    /// <summary>
    /// Writes the mask of allowed tokens: bit <c>id % 32</c> of word <c>id / 32</c> is set when token <c>id</c> may
    /// come next.
    /// </summary>
    /// <param name="mask">At least <see cref="Vocabulary.MaskWords"/> words; cleared first.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ComputeMask(Span<uint> mask)
    {
        var vocabulary = grammar.Vocabulary;
        if (mask.Length < vocabulary.MaskWords)
        {
            throw new ArgumentException($"The mask needs {vocabulary.MaskWords} words for {vocabulary.Count} tokens.", nameof(mask));
        }

        var words = mask[..vocabulary.MaskWords];
        var state = bytes.StateId(grammar.States);
        if (grammar.TryGetMask(state, out var cached))
        {
            cached.CopyTo(words);
        }
        else
        {
            words.Clear();
            applied = 0;
            var info = Info(state);
            if (info.Automata is null)
            {
                Describe(info, bytes.RunningAutomata(), bytes.SoleScannerIsAutomaton());
            }

            WalkFrom(0, info, state, 0, words);
            if (applied > 0)
            {
                bytes.Rollback(applied);
                applied = 0;
            }

            // Kept the second time the state's mask is made: most states of a new grammar are met once, and copying
            // their masks would cost more (in allocation and the collections it brings) than walking a learned state again.
            if (Interlocked.Increment(ref info.MasksMade) >= 2)
            {
                grammar.StoreMask(state, words);
            }
        }

        if (bytes.IsAccepting)
        {
            foreach (var id in vocabulary.EndOfSequence)
            {
                mask[id >> 5] |= 1u << (id & 31);
            }
        }
    }

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Mark(int[] tokens, Span<uint> mask)
    {
        foreach (var id in tokens)
        {
            mask[id >> 5] |= 1u << (id & 31);
        }
    }

    /// <summary>Marks every token strictly below a node.</summary>
    private void MarkBelow(int node, Span<uint> mask) => trie.MarkBelow(node, mask);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkSubtree(int child, Span<uint> mask)
    {
        Mark(trie.TokensAt[child], mask);
        MarkBelow(child, mask);
    }

    /// <summary>Whether an automaton running in a state (the state at <paramref name="node"/>) stays alive below the node.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool InsideAutomaton(TokenGrammar.StateInfo info, int node)
    {
        if (inBreak)
        {
            return false;
        }

        foreach (var (dfa, q, memo) in info.Automata ?? [])
        {
            if (memo.Get(node, q))
            {
                return true;
            }
        }

        return false;
    }

    private TokenGrammar.StateInfo Info(int state) => grammar.Info(state);

    /// <summary>The facts of the state a learned byte leads to, or null when the byte is refused or not learned yet.</summary>
    private TokenGrammar.StateInfo? NextOf(TokenGrammar.StateInfo info, int value) => info.Next[value] is var next and > 0 ? grammar.Info(next) : null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (ByteDfa Dfa, int State, TokenTrie.InsideMemo Memo)[] WithMemos((ByteDfa Dfa, int State)[] automata)
    {
        if (automata.Length == 0)
        {
            return [];
        }

        var result = new (ByteDfa Dfa, int State, TokenTrie.InsideMemo Memo)[automata.Length];
        for (var i = 0; i < automata.Length; i++)
        {
            result[i] = (automata[i].Dfa, automata[i].State, grammar.Trie.MemoFor(automata[i].Dfa));
        }

        return result;
    }

    /// <summary>Feeds the matcher the path bytes it has not seen, up to <paramref name="depth"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Sync(int depth)
    {
        while (applied < depth)
        {
            if (!bytes.TryAdvance(path[applied]))
            {
                throw new InvalidOperationException("The token mask walk left the grammar; this is a bug in the matcher.");
            }

            applied++;
        }
    }

    /// <summary>Learns every transition of the state at path depth <paramref name="depth"/> (one Earley step per class of bytes) and returns the one on <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Learn(TokenGrammar.StateInfo info, byte value, int depth)
    {
        Sync(depth);
        LearnHere(info);
        return info.Next[value];
    }

    /// <summary>Below this many children a node's unknown transitions are learned one byte at a time.</summary>
    private const int FewChildren = 16;

    /// <summary>Subtrees with fewer tokens below are walked rather than tested for a self-loop of the state.</summary>
    private const int LoopTestTokens = 64;

    /// <summary>Learns the transition of the state at path depth <paramref name="depth"/> on one byte (one Earley step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int LearnOne(TokenGrammar.StateInfo info, byte value, int depth)
    {
        Sync(depth);
        if (!bytes.TryAdvance(value))
        {
            info.Next[value] = 0;
            return 0;
        }

        var state = bytes.StateId(grammar.States);
        var next = Info(state);
        if (next.Automata is null)
        {
            Describe(next, bytes.RunningAutomata(), bytes.SoleScannerIsAutomaton());
        }

        bytes.Rollback(1);
        info.Next[value] = state;
        return state;
    }

    /// <summary>Learns every transition of the matcher's current state, whose facts are <paramref name="info"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LearnHere(TokenGrammar.StateInfo info)
    {
        bytes.LearnTransitions(grammar.States, info.Next, describe ??= [MethodImpl(MethodImplOptions.AggressiveOptimization)] (state) =>
        {
            var next = Info(state);
            if (next.Automata is null)
            {
                Describe(next, bytes.RunningAutomata(), bytes.SoleScannerIsAutomaton());
            }
        });
        info.Learned = true;
    }

    private Action<int>? describe;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Describe(TokenGrammar.StateInfo info, (ByteDfa Dfa, int State)[] automata, bool sole)
    {
        // Sole is written first: a reader that sees the automata sees whether the first one runs alone.
        info.Sole = sole;
        info.Automata = WithMemos(automata);
    }

    /// <summary>The bytes that keep the parser in <paramref name="state"/>, the state at path depth <paramref name="depth"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ByteSet Loop(TokenGrammar.StateInfo info, int state, int depth)
    {
        if (info.Loop is { } known)
        {
            return known.Value;
        }

        Sync(depth);
        var loop = ByteSet.None;
        var allowed = bytes.AllowedBytes();
        for (var value = 0; value < 256; value++)
        {
            if (!allowed.Contains((byte)value))
            {
                continue;
            }

            var b = (byte)value;
            var next = info.Next[b] >= 0 ? info.Next[b] : Learn(info, b, depth);
            if (next == state)
            {
                loop = loop.With(b);
            }
        }

        info.Loop = new System.Runtime.CompilerServices.StrongBox<ByteSet>(loop);
        return loop;
    }

    /// <summary>
    /// The tokens of a shortest completion of the document from here (see <see cref="GrammarMatcher.ShortestCompletion"/>),
    /// each the longest vocabulary token that fits: what a decoder feeds to end a reply as a complete document when its
    /// token budget is nearly spent. The matcher does not move.
    /// </summary>
    /// <returns>The tokens (empty when the document is complete), or <see langword="null"/> when none was found.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int[]? CompletionTokens()
    {
        var completion = bytes.ShortestCompletion();
        if (completion is null)
        {
            return null;
        }

        var tokens = new List<int>();
        for (var at = 0; at < completion.Length;)
        {
            var token = grammar.LongestToken(completion.AsSpan(at));
            if (token < 0)
            {
                return null;
            }

            tokens.Add(token);
            at += grammar.Vocabulary[token].Length;
        }

        return tokens.ToArray();
    }

    /// <summary>Whether a token may come next.</summary>
    /// <param name="token">The token id.</param>
    /// <returns>Whether it is allowed.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool IsAllowed(int token)
    {
        if (grammar.Vocabulary.EndOfSequence.Contains(token))
        {
            return bytes.IsAccepting;
        }

        var tokenBytes = grammar.Vocabulary[token];
        if (tokenBytes.Length == 0 || !bytes.TryAdvance(tokenBytes))
        {
            return false;
        }

        bytes.Rollback(tokenBytes.Length);
        return true;
    }

    /// <summary>Accepts a sampled token.</summary>
    /// <param name="token">The token id.</param>
    /// <returns><see langword="false"/> (and no change) when the grammar does not allow it.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryAdvance(int token)
    {
        if (grammar.Vocabulary.EndOfSequence.Contains(token))
        {
            if (!bytes.IsAccepting)
            {
                return false;
            }

            tokenLengths.Push(0);
            return true;
        }

        var tokenBytes = grammar.Vocabulary[token];
        if (tokenBytes.Length == 0 || !bytes.TryAdvance(tokenBytes))
        {
            return false;
        }

        tokenLengths.Push(tokenBytes.Length);
        return true;
    }

    /// <summary>Accepts a token, or explains why it cannot be accepted.</summary>
    /// <param name="token">The token id.</param>
    /// <exception cref="Declarative.Grammars.GrammarException">The grammar does not allow the token here; the message shows the token and the bytes that would be allowed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Advance(int token)
    {
        if (TryAdvance(token))
        {
            return;
        }

        var text = System.Text.Encoding.UTF8.GetString(grammar.Vocabulary[token]);
        var allowed = bytes.AllowedBytes();
        var shown = string.Join(" ", allowed.Bytes().Take(16).Select(b => b is >= 0x20 and < 0x7F ? $"'{(char)b}'" : $"0x{b:X2}"));
        throw new Declarative.Grammars.GrammarException(
            $"token {token} ('{text}') is not allowed after {TokenCount} tokens; "
            + (allowed.IsEmpty ? (bytes.IsAccepting ? "the document is complete: only end of sequence may follow" : "no byte can follow (the grammar is exhausted)")
                : $"the next byte must be one of {shown}{(allowed.Count > 16 ? $" (and {allowed.Count - 16} more)" : string.Empty)}")
            + ". The sampler should only draw tokens from ComputeMask.");
    }

    /// <summary>
    /// The tokens the grammar forces from here (greedy longest tokens over the forced bytes), which a backend can feed
    /// without sampling. The matcher does not move.
    /// </summary>
    /// <returns>The forced token ids (empty when the next token is a choice).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int[] ForcedTokens()
    {
        var forced = bytes.ForcedBytes();
        var tokens = new List<int>();
        var position = 0;
        while (position < forced.Length)
        {
            var token = grammar.LongestToken(forced.AsSpan(position));
            if (token < 0)
            {
                break;
            }

            // The run is certain, so any spelling of it in tokens is accepted; the longest tokens keep it short.
            tokens.Add(token);
            position += grammar.Vocabulary[token].Length;
        }

        return tokens.ToArray();
    }

    /// <summary>Undoes the last <paramref name="tokens"/> tokens.</summary>
    /// <param name="tokens">How many tokens.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Rollback(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tokens, tokenLengths.Count);
        for (var i = 0; i < tokens; i++)
        {
            bytes.Rollback(tokenLengths.Pop());
        }
    }
}

