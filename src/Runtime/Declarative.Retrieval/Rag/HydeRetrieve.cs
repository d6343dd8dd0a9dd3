namespace Declarative.Retrieval;

/// <summary>
/// HyDE (Gao et al., 2022, "Precise zero-shot dense retrieval without relevance labels"): an LM writes a hypothetical
/// passage that answers the question, and that passage, not the question, is the search query. With a
/// <see cref="VectorRetriever"/> the passage is embedded, which lands nearer to real answers than a short question does.
/// </summary>
public sealed class HydeRetrieve : Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="retriever">Where passages come from (usually a <see cref="VectorRetriever"/>).</param>
    /// <param name="k">How many passages to return (default 3).</param>
    public HydeRetrieve(IRetriever retriever, int k = 3)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        Retriever = retriever;
        K = k;
    }

    /// <summary>The predictor that writes the hypothetical passage.</summary>
    public Predict Generate { get; } = new(Signature.Parse(
        "question -> passage",
        "Write a short passage, in the style of the documentation being searched, that answers the question. Plausible details are fine: the passage is used only to search."));

    /// <summary>Where passages come from.</summary>
    public IRetriever Retriever { get; }

    /// <summary>How many passages are returned.</summary>
    public int K { get; }

    /// <summary>Writes the hypothetical passage and retrieves with it.</summary>
    /// <param name="question">The question.</param>
    /// <param name="context">The LM context.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The hypothetical passage and the retrieved passages.</returns>
    public async Task<HydeResult> InvokeAsync(string question, RunContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(context);
        var prediction = await Generate.InvokeAsync(new Dictionary<string, object?> { ["question"] = question }, context, cancellationToken: cancellationToken).ConfigureAwait(false);
        var hypothetical = prediction["passage"]?.ToString() ?? string.Empty;
        var passages = await Retriever.RetrieveAsync(string.IsNullOrWhiteSpace(hypothetical) ? question : hypothetical, K, cancellationToken).ConfigureAwait(false);
        return new HydeResult(hypothetical, passages);
    }
}

/// <summary>What <see cref="HydeRetrieve"/> wrote and found.</summary>
/// <param name="HypotheticalPassage">The LM's hypothetical passage (the question was searched instead if it was blank).</param>
/// <param name="Passages">The retrieved passages, best first.</param>
public sealed record HydeResult(string HypotheticalPassage, IReadOnlyList<Passage> Passages);
