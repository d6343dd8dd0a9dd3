using Microsoft.ML.Tokenizers;

namespace Declarative.Retrieval;

/// <summary>
/// Fits passages into a token budget without cutting any: passages are taken in order of relevance (score, highest
/// first; ties keep their order) and each is kept whole if it still fits, otherwise dropped and reported; a later,
/// shorter passage may still fit.
/// </summary>
public sealed class ContextBudget
{
    private readonly Tokenizer tokenizer;

    /// <summary>Creates a budget.</summary>
    /// <param name="maxTokens">The most tokens the passages' texts may use together.</param>
    /// <param name="tokenizer">The tokenizer that counts (default o200k_base).</param>
    public ContextBudget(int maxTokens, Tokenizer? tokenizer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        MaxTokens = maxTokens;
        this.tokenizer = tokenizer ?? DefaultTokenizer.Instance;
    }

    /// <summary>The most tokens the passages' texts may use together.</summary>
    public int MaxTokens { get; }

    /// <summary>Chooses the passages that fit.</summary>
    /// <param name="passages">The candidates.</param>
    /// <returns>The passages kept (by relevance), those dropped, and the tokens used.</returns>
    public BudgetedContext Fit(IEnumerable<Passage> passages)
    {
        ArgumentNullException.ThrowIfNull(passages);
        var included = new List<Passage>();
        var dropped = new List<DroppedPassage>();
        var used = 0;
        foreach (var passage in passages.OrderByDescending(p => p.Score)) // a stable sort: ties keep their input order
        {
            var tokens = tokenizer.CountTokens(passage.Text);
            if (used + tokens <= MaxTokens)
            {
                included.Add(passage);
                used += tokens;
            }
            else
            {
                dropped.Add(new DroppedPassage(passage, tokens));
            }
        }

        return new BudgetedContext(included, dropped, used, MaxTokens);
    }
}

/// <summary>The passages a <see cref="ContextBudget"/> kept and dropped.</summary>
/// <param name="Included">The passages kept, whole, most relevant first.</param>
/// <param name="Dropped">The passages that did not fit, with their sizes.</param>
/// <param name="UsedTokens">The tokens the kept passages use.</param>
/// <param name="MaxTokens">The budget.</param>
public sealed record BudgetedContext(IReadOnlyList<Passage> Included, IReadOnlyList<DroppedPassage> Dropped, int UsedTokens, int MaxTokens);

/// <summary>A passage left out of a context because it did not fit.</summary>
/// <param name="Passage">The passage.</param>
/// <param name="Tokens">Its size in tokens.</param>
public sealed record DroppedPassage(Passage Passage, int Tokens);
