using LLama.Native;
using LLama.Sampling;

namespace Declarative.Runtime.LLama;

/// <summary>
/// A llama.cpp sampler stage that applies Declarative's token mask: every token the grammar does not allow gets a
/// logit of −∞ before top-k, top-p, temperature and the draw. The mask words are filled by the decoding loop before
/// each sample; the stage only reads them.
/// </summary>
internal sealed class MaskStage(uint[] mask) : ICustomSampler
{
    /// <summary>Whether the mask applies to the next sample (off for unconstrained requests).</summary>
    public bool Active { get; set; }

    public string Name => "declarative-mask";

    public void Apply(ref LLamaTokenDataArrayNative tokenData)
    {
        if (!Active)
        {
            return;
        }

        var data = tokenData.Data;
        for (var i = 0; i < data.Length; i++)
        {
            var id = (int)data[i].ID;
            if ((uint)(id >> 5) >= (uint)mask.Length || (mask[id >> 5] & (1u << (id & 31))) == 0)
            {
                data[i].Logit = float.NegativeInfinity;
            }
        }

        tokenData.Sorted = false;
    }

    public void Accept(LLamaToken token)
    {
    }

    public void Reset()
    {
    }

    public ICustomSampler Clone() => new MaskStage(mask) { Active = Active };

    public void Dispose()
    {
    }
}

/// <summary>The sampling chain of one request: the mask, then top-k, top-p, temperature and a seeded draw (or greedy at temperature 0).</summary>
internal sealed class MaskedSamplingPipeline(MaskStage mask, float temperature, float? topP, int? topK, uint seed) : BaseSamplingPipeline
{
    protected override SafeLLamaSamplerChainHandle CreateChain(SafeLLamaContextHandle context)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddCustom(mask);
        if (temperature <= 0)
        {
            chain.AddGreedySampler();
            return chain;
        }

        if (topK is > 0)
        {
            chain.AddTopK(topK.Value);
        }

        if (topP is > 0 and < 1)
        {
            chain.AddTopP(topP.Value, 1);
        }

        chain.AddTemperature(temperature);
        chain.AddDistributionSampler(seed);
        return chain;
    }
}
