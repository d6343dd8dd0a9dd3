using System.Text;
using Declarative.Decoding;
using LLama;
using LLama.Native;

namespace Declarative.Runtime.LLama;

/// <summary>
/// Decodes with a local model under a grammar: at every step the logits of tokens the grammar does not allow are set to
/// −∞ from Declarative's token mask, so the text produced is always a document of the grammar (it ends only with an
/// end-of-sequence token the grammar allows, or when forced tokens complete it). The first piece of the local backend.
/// </summary>
public sealed class GrammarDecoder
{
    private readonly LLamaWeights weights;

    /// <summary>Creates a decoder for a model.</summary>
    /// <param name="weights">The loaded model.</param>
    public GrammarDecoder(LLamaWeights weights) => this.weights = weights ?? throw new ArgumentNullException(nameof(weights));

    /// <summary>Generates a completion of <paramref name="prompt"/> that the grammar accepts.</summary>
    /// <param name="context">A context of the model (its memory is cleared first).</param>
    /// <param name="prompt">The prompt text.</param>
    /// <param name="grammar">The grammar bound to the model's vocabulary.</param>
    /// <param name="options">Sampling options; <see langword="null"/> for greedy decoding.</param>
    /// <param name="cancellationToken">Cancels between steps.</param>
    /// <returns>The generated text and why it stopped.</returns>
    /// <exception cref="ArgumentException">The grammar's vocabulary is not the model's.</exception>
    public async Task<GrammarDecodeResult> GenerateAsync(LLamaContext context, string prompt, TokenGrammar grammar, GrammarDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(grammar);
        options ??= new GrammarDecodeOptions();
        if (grammar.Vocabulary.Count != weights.Vocab.Count)
        {
            throw new ArgumentException($"The grammar's vocabulary has {grammar.Vocabulary.Count} tokens but the model has {weights.Vocab.Count}; load the vocabulary from the same GGUF file.", nameof(grammar));
        }

        context.NativeHandle.MemoryClear(true);
        var matcher = grammar.CreateMatcher();
        using var sampler = new TokenMaskSamplingPipeline(matcher, new TokenSamplingOptions { Temperature = options.Temperature, Seed = unchecked((uint)options.Seed) }, advanceOnAccept: false);
        var output = new List<byte>();
        var batch = new LLamaBatch();
        var promptTokens = context.Tokenize(prompt, addBos: true, special: false);
        batch.AddRange(promptTokens, 0, LLamaSeqId.Zero, true);
        var position = promptTokens.Length;
        var sampled = 0;
        for (var step = 0; step < options.MaxTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await context.DecodeAsync(batch, cancellationToken).ConfigureAwait(false);
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama.cpp could not decode the batch ({result}).");
            }

            var token = (int)sampler.Sample(context.NativeHandle, batch.TokenCount - 1);

            matcher.Advance(token);
            sampled++;
            if (grammar.Vocabulary.EndOfSequence.Contains(token))
            {
                return new GrammarDecodeResult(Encoding.UTF8.GetString(output.ToArray()), step + 1, Complete: true) { Sampled = sampled };
            }

            output.AddRange(grammar.Vocabulary[token].ToArray());
            var feed = new List<int> { token };

            // Text the grammar forces (the rest of a fixed key, say) is fed in the same batch instead of sampled.
            if (options.FastForward)
            {
                foreach (var forced in matcher.ForcedTokens())
                {
                    matcher.Advance(forced);
                    output.AddRange(grammar.Vocabulary[forced].ToArray());
                    feed.Add(forced);
                }
            }

            batch.Clear();
            for (var i = 0; i < feed.Count; i++)
            {
                batch.Add(feed[i], position++, LLamaSeqId.Zero, i == feed.Count - 1);
            }

            step += feed.Count - 1;
        }

        return new GrammarDecodeResult(Encoding.UTF8.GetString(output.ToArray()), options.MaxTokens, matcher.IsAccepting) { Sampled = sampled };
    }
}

/// <summary>Options of <see cref="GrammarDecoder"/>.</summary>
public sealed record GrammarDecodeOptions
{
    /// <summary>The most tokens to generate (default 256).</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Sampling temperature; 0 (the default) is greedy.</summary>
    public float Temperature { get; init; }

    /// <summary>The seed of the sampler.</summary>
    public int Seed { get; init; }

    /// <summary>Whether text the grammar forces is fed without sampling (default <see langword="true"/>).</summary>
    public bool FastForward { get; init; } = true;
}

/// <summary>What <see cref="GrammarDecoder"/> produced.</summary>
/// <param name="Text">The generated text (without the end-of-sequence token).</param>
/// <param name="Tokens">How many tokens were generated, end of sequence included.</param>
/// <param name="Complete">Whether the text is a complete document of the grammar.</param>
public sealed record GrammarDecodeResult(string Text, int Tokens, bool Complete)
{
    /// <summary>How many of the tokens were chosen by sampling (the others were forced by the grammar).</summary>
    public int Sampled { get; init; }
}
