using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

/// <summary>
/// Constrains token sampling to a grammar: computes the mask of allowed token ids at each step, advances by the
/// sampled token, and rolls back (for speculative decoding). End-of-sequence tokens are allowed exactly when the text
/// so far is a complete document. One matcher per sequence; the grammar and the <see cref="TokenGrammar"/> are shared.
/// </summary>
public sealed partial class TokenMatcher
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

