using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

public sealed partial class TokenMatcher
{
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
}
