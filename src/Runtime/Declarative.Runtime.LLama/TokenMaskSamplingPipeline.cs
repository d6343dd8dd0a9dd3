using System.Buffers;
using System.Numerics.Tensors;
using Declarative.Decoding;
using LLama.Native;
using LLama.Sampling;

namespace Declarative.Runtime.LLama;

/// <summary>
/// A LLamaSharp sampling pipeline that applies Declarative's token mask and samples in managed code, straight from
/// the logits: greedy at temperature 0, otherwise a seeded draw after top-k, top-p and temperature. Give it to any
/// LLamaSharp executor to constrain its output to a grammar (the matcher advances on <see cref="Accept"/>), or use
/// it without a matcher as a fast plain sampler. Not thread-safe: one per sequence.
/// </summary>
public sealed class TokenMaskSamplingPipeline : ISamplingPipeline
{
    private readonly TokenMatcher? matcher;
    private readonly bool advanceOnAccept;
    private readonly uint[]? mask;
    private readonly float temperature;
    private readonly int? topK;
    private readonly float? topP;
    private readonly uint seed;
    private Random random;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="matcher">The grammar's matcher for this sequence (its vocabulary must be the model's), or <see langword="null"/> for no constraint.</param>
    /// <param name="options">Sampling settings; <see langword="null"/> for greedy decoding.</param>
    public TokenMaskSamplingPipeline(TokenMatcher? matcher = null, TokenSamplingOptions? options = null)
        : this(matcher, options ?? new TokenSamplingOptions(), advanceOnAccept: true)
    {
    }

    internal TokenMaskSamplingPipeline(TokenMatcher? matcher, TokenSamplingOptions options, bool advanceOnAccept)
    {
        options.Validate();
        this.matcher = matcher;
        this.advanceOnAccept = advanceOnAccept;
        mask = matcher is null ? null : new uint[matcher.Grammar.Vocabulary.MaskWords];
        temperature = options.Temperature;
        topK = options.TopK;
        topP = options.TopP;
        seed = options.Seed;
        random = new Random(unchecked((int)seed));
    }

    /// <summary>Samples a token from the logits of batch index <paramref name="index"/>, among those the grammar allows.</summary>
    /// <param name="ctx">The context that decoded the batch.</param>
    /// <param name="index">The batch index of the token whose logits to use.</param>
    /// <returns>The token.</returns>
    /// <exception cref="InvalidOperationException">The grammar allows no token here.</exception>
    public LLamaToken Sample(SafeLLamaContextHandle ctx, int index)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        matcher?.ComputeMask(mask);
        var logits = ctx.GetLogitsIth(index);
        var token = temperature <= 0 ? Greedy(logits) : Draw(logits);
        if (token < 0)
        {
            throw new InvalidOperationException("The grammar allows no token here; the grammar admits no continuation of this text. This is a bug in the grammar or the mask.");
        }

        return token;
    }

    /// <summary>Sets the logit of every token the grammar does not allow to −∞ (for callers that sample themselves).</summary>
    /// <param name="ctx">The context (unused).</param>
    /// <param name="data">The candidates.</param>
    public void Apply(SafeLLamaContextHandle ctx, LLamaTokenDataArray data)
    {
        if (mask is null)
        {
            return;
        }

        matcher!.ComputeMask(mask);
        var span = data.Data.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (!Allowed((int)span[i].ID))
            {
                span[i].Logit = float.NegativeInfinity;
            }
        }
    }

    /// <summary>Advances the matcher by the chosen token (when the pipeline was made with a matcher).</summary>
    /// <param name="token">The token.</param>
    public void Accept(LLamaToken token)
    {
        if (advanceOnAccept)
        {
            matcher?.Advance((int)token);
        }
    }

    /// <summary>Starts the random draws over from the seed.</summary>
    public void Reset() => random = new Random(unchecked((int)seed));

    /// <summary>Nothing native is held.</summary>
    public void Dispose()
    {
    }

    private bool Allowed(int id) => mask is null || ((uint)(id >> 5) < (uint)mask.Length && (mask[id >> 5] & (1u << (id & 31))) != 0);

    private int Greedy(Span<float> logits)
    {
        if (mask is null)
        {
            return logits.Length == 0 ? -1 : TensorPrimitives.IndexOfMax(logits);
        }

        // Whole zero words of the mask are skipped: a narrow mask costs little.
        var best = -1;
        var bestLogit = float.NegativeInfinity;
        var words = Math.Min(mask.Length, (logits.Length + 31) >> 5);
        for (var w = 0; w < words; w++)
        {
            var bits = mask[w];
            if (bits == uint.MaxValue && (w << 5) + 32 <= logits.Length)
            {
                // A word of 32 allowed tokens (inside a string, most are): one vectorized maximum.
                var slice = logits.Slice(w << 5, 32);
                var top = TensorPrimitives.Max(slice);
                if (best < 0 || top > bestLogit)
                {
                    best = (w << 5) + TensorPrimitives.IndexOfMax(slice);
                    bestLogit = top;
                }

                continue;
            }

            for (; bits != 0; bits &= bits - 1)
            {
                var id = (w << 5) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                if (id < logits.Length && (best < 0 || logits[id] > bestLogit))
                {
                    best = id;
                    bestLogit = logits[id];
                }
            }
        }

        return best;
    }

    /// <summary>A draw from softmax(logits / temperature) over the allowed tokens, after top-k and top-p (vectorized: the whole vocabulary costs well under a millisecond).</summary>
    private int Draw(Span<float> logits)
    {
        var sorted = topK is > 0 || topP is > 0 and < 1;
        var values = ArrayPool<float>.Shared.Rent(logits.Length);
        int[]? ids = null;
        try
        {
            int count;
            if (mask is null && !sorted)
            {
                logits.CopyTo(values);
                count = logits.Length;
            }
            else
            {
                ids = ArrayPool<int>.Shared.Rent(logits.Length);
                count = 0;
                for (var id = 0; id < logits.Length; id++)
                {
                    if (Allowed(id))
                    {
                        ids[count] = id;
                        values[count++] = logits[id];
                    }
                }
            }

            if (count == 0)
            {
                return -1;
            }

            var weights = values.AsSpan(0, count);
            TensorPrimitives.Subtract(weights, TensorPrimitives.Max(weights), weights);
            TensorPrimitives.Multiply(weights, 1f / temperature, weights);
            TensorPrimitives.Exp(weights, weights);
            if (sorted)
            {
                Array.Sort(values, ids, 0, count, Comparer<float>.Create((a, b) => b.CompareTo(a)));
                if (topK is > 0 and var k && k < count)
                {
                    count = k;
                }

                if (topP is > 0 and < 1 and var p)
                {
                    var all = (double)TensorPrimitives.Sum(values.AsSpan(0, count));
                    var kept = 0.0;
                    var cut = 0;
                    while (cut < count && kept < p * all)
                    {
                        kept += values[cut++];
                    }

                    count = Math.Max(1, cut);
                }

                weights = values.AsSpan(0, count);
            }

            // The draw: whole chunks are skipped by their sums, then the chunk that holds it is walked.
            var draw = random.NextDouble() * TensorPrimitives.Sum(weights);
            const int Chunk = 1024;
            var at = 0;
            while (at + Chunk < count && draw > TensorPrimitives.Sum(weights.Slice(at, Chunk)))
            {
                draw -= TensorPrimitives.Sum(weights.Slice(at, Chunk));
                at += Chunk;
            }

            for (; at < count; at++)
            {
                draw -= weights[at];
                if (draw <= 0)
                {
                    break;
                }
            }

            at = Math.Min(at, count - 1);
            return ids is null ? at : ids[at];
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
            if (ids is not null)
            {
                ArrayPool<int>.Shared.Return(ids);
            }
        }
    }
}

/// <summary>Settings of <see cref="TokenMaskSamplingPipeline"/>.</summary>
public sealed record TokenSamplingOptions
{
    /// <summary>The temperature; 0 (the default) is greedy.</summary>
    public float Temperature { get; init; }

    /// <summary>Keep only the k most likely tokens before drawing; <see langword="null"/> for all.</summary>
    public int? TopK { get; init; }

    /// <summary>Keep only the most likely tokens whose probabilities add up to p; <see langword="null"/> for all.</summary>
    public float? TopP { get; init; }

    /// <summary>The seed of the draws.</summary>
    public uint Seed { get; init; }

    internal void Validate()
    {
        if (Temperature < 0 || float.IsNaN(Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "The temperature cannot be negative.");
        }

        if (TopK is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be at least 1.");
        }

        if (TopP is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "TopP must be in (0, 1].");
        }
    }
}
