using Microsoft.ML.Tokenizers;

namespace Declarative.Retrieval;

/// <summary>The tokenizer used when none is given: o200k_base (GPT-4o's), loaded once from Microsoft.ML.Tokenizers.Data.O200kBase.</summary>
internal static class DefaultTokenizer
{
    private static readonly Lazy<Tokenizer> Shared = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public static Tokenizer Instance => Shared.Value;
}
