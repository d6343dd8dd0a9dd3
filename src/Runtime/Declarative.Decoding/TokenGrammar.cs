using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

/// <summary>A compiled grammar bound to a vocabulary (with the vocabulary's token trie): shared by every <see cref="TokenMatcher"/> of that pair.</summary>
public sealed class TokenGrammar
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Vocabulary, TokenTrie> Tries = new();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, uint[]> masks = new();
    private long cachedBytes;

    /// <summary>Binds a grammar to a vocabulary.</summary>
    /// <param name="grammar">The compiled grammar.</param>
    /// <param name="vocabulary">The vocabulary (its trie is built once and reused by every grammar).</param>
    /// <param name="maskCacheBytes">How much memory the cache of masks by parser state may hold (default 64 MiB; 0 turns it off).</param>
    public TokenGrammar(CompiledGrammar grammar, Vocabulary vocabulary, long maskCacheBytes = 64L << 20)
    {
        Grammar = grammar ?? throw new ArgumentNullException(nameof(grammar));
        Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));
        ArgumentOutOfRangeException.ThrowIfNegative(maskCacheBytes);
        MaskCacheBytes = maskCacheBytes;
        Trie = Tries.GetValue(vocabulary, static v =>
        {
            var trie = TokenTrie.Build(v);
            trie.LearnJsonStrings();
            return trie;
        });
        EngineWarmUp.EnsureRan(); // once per process: the engine's code is compiled here rather than in the first masks
    }

    /// <summary>The memory the mask cache may hold.</summary>
    public long MaskCacheBytes { get; }

    /// <summary>How many distinct parser states have a cached mask (a state's mask is kept the second time it is made).</summary>
    public int CachedMasks => masks.Count;

    /// <summary>Bytes held by cached masks.</summary>
    public long CachedMaskBytes => Interlocked.Read(ref cachedBytes);

    internal StateInterner States { get; } = new();

    // What is known of each canonical parser state (ids are dense, from 1), by id: read without a lock, grown under one.
    private StateInfo?[] infos = new StateInfo?[64];
    private readonly Lock infoGate = new();

    /// <summary>What is known of a canonical parser state: its transitions by byte and its self-loop bytes, learned as matchers run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal StateInfo Info(int state)
    {
        var all = Volatile.Read(ref infos);
        return state < all.Length && Volatile.Read(ref all[state]) is { } known ? known : AddInfo(state);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StateInfo AddInfo(int state)
    {
        lock (infoGate)
        {
            if (state >= infos.Length)
            {
                // Readers holding the old array find nothing new there and come here, where the new one has it all.
                var grown = new StateInfo?[Math.Max(state + 1, infos.Length * 2)];
                Array.Copy(infos, grown, infos.Length);
                Volatile.Write(ref infos, grown);
            }

            if (infos[state] is not { } info)
            {
                info = new StateInfo();
                Volatile.Write(ref infos[state], info);
            }

            return info;
        }
    }

    /// <summary>The learned facts of one canonical state. Entries are written once; races write the same values.</summary>
    internal sealed class StateInfo
    {
        // Made when first asked for: most states a walk meets are reached at the end of a token and never stepped from,
        // and a table for each of them was most of what learning allocated.
        private int[]? next;

        /// <summary>The next state by byte: 0 = not allowed, -1 = not learned yet.</summary>
        public int[] Next => next ?? CreateNext();

        /// <summary>The self-loop bytes, published as one reference so concurrent readers never see half of it.</summary>
        public System.Runtime.CompilerServices.StrongBox<ByteSet>? Loop { get; set; }

        /// <summary>The automata running in this state, with their states and memos; null until the state is first seen.</summary>
        public (ByteDfa Dfa, int State, TokenTrie.InsideMemo Memo)[]? Automata { get; set; }

        /// <summary>Whether the state's only scanning item runs an automaton (the first of <see cref="Automata"/>).</summary>
        public bool Sole { get; set; }

        /// <summary>For a <see cref="Sole"/> state: the facts of the state that follows when its automaton ends; null until first needed.</summary>
        public StateInfo? Exit { get; set; }

        /// <summary>Whether <see cref="Next"/> holds every byte's transition.</summary>
        public bool Learned { get; set; }

        /// <summary>How many times a mask was made from this state (it is cached from the second time on).</summary>
        public int MasksMade;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int[] CreateNext()
        {
            var made = new int[256];
            Array.Fill(made, -1);
            return Interlocked.CompareExchange(ref next, made, null) ?? made;
        }
    }

    internal bool TryGetMask(int state, out uint[] mask) => masks.TryGetValue(state, out mask!);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void StoreMask(int state, ReadOnlySpan<uint> mask)
    {
        var bytes = mask.Length * 4L;
        if (Interlocked.Read(ref cachedBytes) + bytes > MaskCacheBytes)
        {
            return;
        }

        var copy = GC.AllocateUninitializedArray<uint>(mask.Length); // written whole below: no need to clear it first
        mask.CopyTo(copy);
        if (masks.TryAdd(state, copy))
        {
            Interlocked.Add(ref cachedBytes, bytes);
        }
    }

    /// <summary>The compiled grammar.</summary>
    public CompiledGrammar Grammar { get; }

    /// <summary>The vocabulary.</summary>
    public Vocabulary Vocabulary { get; }

    internal TokenTrie Trie { get; }

    /// <summary>The longest token whose bytes begin <paramref name="text"/> (greedy tokenization, for tests and tools).</summary>
    /// <param name="text">The bytes.</param>
    /// <returns>The token id, or -1 when no token begins the text.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int LongestToken(ReadOnlySpan<byte> text)
    {
        var best = -1;
        var node = 0;
        foreach (var b in text)
        {
            var child = Trie.FirstChild[node];
            while (child >= 0 && Trie.Label[child] != b)
            {
                child = Trie.NextSibling[child];
            }

            if (child < 0)
            {
                break;
            }

            node = child;
            if (Trie.TokensAt[node].Length > 0)
            {
                best = Trie.TokensAt[node][0];
            }
        }

        return best;
    }

    /// <summary>A new matcher at the start of a document.</summary>
    /// <returns>The matcher.</returns>
    public TokenMatcher CreateMatcher() => new(this);
}
