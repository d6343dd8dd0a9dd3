using System.Diagnostics;
using System.Runtime.InteropServices;
using Declarative.Grammars;
using LLama;
using LLama.Native;

namespace Declarative.Runtime.LLama;

/// <summary>
/// llama.cpp's own grammar sampler, built from a Declarative grammar's GBNF. The grammar is first parsed by llama.cpp
/// directly, so a grammar it rejects raises a <see cref="GrammarException"/> instead of the crash LLamaSharp would
/// meet later with a null sampler. (Declarative's own token masks are faster and are what the local backend uses;
/// this is for checking and for servers that take GBNF.)
/// </summary>
public static class LlamaGbnf
{
    /// <summary>Creates a sampler chain holding llama.cpp's grammar sampler for <paramref name="grammar"/>.</summary>
    /// <param name="weights">The loaded model (its vocabulary is used).</param>
    /// <param name="grammar">The grammar.</param>
    /// <returns>The sampler chain; dispose it.</returns>
    /// <exception cref="GrammarException">llama.cpp cannot parse the GBNF.</exception>
    public static SafeLLamaSamplerChainHandle CreateSampler(LLamaWeights weights, Grammar grammar)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(grammar);
        var gbnf = grammar.ToGbnf();
        if (!Parses(weights, gbnf, "root"))
        {
            throw new GrammarException("llama.cpp could not parse the grammar's GBNF (see its log for the position):\n" + gbnf);
        }

        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGrammar(weights.Vocab, gbnf, "root");
        return chain;
    }

    /// <summary>Whether the sampler allows <paramref name="token"/> next (llama.cpp sets the logit of a rejected token to −∞).</summary>
    /// <param name="sampler">The sampler chain.</param>
    /// <param name="token">The token id.</param>
    /// <returns>Whether it is allowed.</returns>
    public static bool Allows(SafeLLamaSamplerChainHandle sampler, int token)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        var candidates = new[] { new LLamaTokenData(token, 0f, 0f) };
        using (LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(candidates, true), out var native))
        {
            sampler.Apply(ref native);
        }

        return !float.IsNegativeInfinity(candidates[0].Logit);
    }

    /// <summary>Whether llama.cpp parses the GBNF (its grammar sampler is created and freed at once).</summary>
    private static unsafe bool Parses(LLamaWeights weights, string gbnf, string root)
    {
        var library = NativeLibrary.Load(LlamaLibraryPath());
        var getVocab = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)NativeLibrary.GetExport(library, "llama_model_get_vocab");
        var init = (delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, IntPtr>)NativeLibrary.GetExport(library, "llama_sampler_init_grammar");
        var free = (delegate* unmanaged[Cdecl]<IntPtr, void>)NativeLibrary.GetExport(library, "llama_sampler_free");
        var text = Marshal.StringToCoTaskMemUTF8(gbnf);
        var start = Marshal.StringToCoTaskMemUTF8(root);
        try
        {
            var sampler = init(getVocab(weights.NativeHandle.DangerousGetHandle()), (byte*)text, (byte*)start);
            if (sampler == IntPtr.Zero)
            {
                return false;
            }

            free(sampler);
            return true;
        }
        finally
        {
            Marshal.FreeCoTaskMem(text);
            Marshal.FreeCoTaskMem(start);
        }
    }

    private static string LlamaLibraryPath() =>
        Process.GetCurrentProcess().Modules.Cast<ProcessModule>()
            .FirstOrDefault(m => Path.GetFileName(m.FileName) is "libllama.so" or "llama.dll" or "libllama.dylib")?.FileName
        ?? throw new InvalidOperationException("llama.cpp's native library is not loaded; load a model first (LLamaWeights.LoadFromFile).");
}
