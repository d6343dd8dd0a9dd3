namespace Declarative.Retrieval;

/// <summary>What <see cref="ChunkerOptions.ChunkSize"/> and <see cref="ChunkerOptions.ChunkOverlap"/> count.</summary>
public enum ChunkLengthUnit
{
    /// <summary>UTF-16 characters (a surrogate pair counts as two but is never split).</summary>
    Characters,

    /// <summary>Tokens of <see cref="ChunkerOptions.Tokenizer"/> (by default the o200k_base tokenizer of GPT-4o).</summary>
    Tokens,
}
