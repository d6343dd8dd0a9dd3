using System.Globalization;

namespace Declarative.Retrieval;

/// <summary>
/// Multi-query retrieval: an LM rewrites the question into several search queries, each (and the question itself) is
/// retrieved, and the lists are merged with reciprocal-rank fusion, so passages that several phrasings find rank first.
/// </summary>
public sealed class MultiQueryRetrieve : Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="retriever">Where passages come from.</param>
    /// <param name="k">How many passages to return (default 3).</param>
    /// <param name="queries">How many query variants to ask the LM for (default 3).</param>
    public MultiQueryRetrieve(IRetriever retriever, int k = 3, int queries = 3)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queries, 1);
        Retriever = retriever;
        K = k;
        Rewrite = new Predict(Signature.Parse(
            "question -> queries: list[str]",
            string.Create(CultureInfo.InvariantCulture, $"Write {queries} different search queries that together find the passages needed to answer the question: rephrase it, use synonyms, and split it into its parts.")));
    }

    /// <summary>The predictor that writes the query variants (optimizers may tune it).</summary>
    public Predict Rewrite { get; }

    /// <summary>Where passages come from.</summary>
    public IRetriever Retriever { get; }

    /// <summary>How many passages are returned.</summary>
    public int K { get; }

    /// <summary>Writes the query variants, retrieves for each and for the question, and fuses the lists.</summary>
    /// <param name="question">The question.</param>
    /// <param name="context">The LM context.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The queries searched (the question first, then every distinct variant the LM wrote) and the fused passages.</returns>
    public async Task<MultiQueryResult> InvokeAsync(string question, RunContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(context);
        var prediction = await Rewrite.InvokeAsync(new Dictionary<string, object?> { ["question"] = question }, context, cancellationToken: cancellationToken).ConfigureAwait(false);
        var queries = new List<string> { question };
        foreach (var query in RagValues.Strings(prediction["queries"]))
        {
            if (!string.IsNullOrWhiteSpace(query) && !queries.Contains(query.Trim(), StringComparer.Ordinal))
            {
                queries.Add(query.Trim());
            }
        }

        var lists = await Task.WhenAll(queries.Select(q => Retriever.RetrieveAsync(q, K, cancellationToken))).ConfigureAwait(false);
        return new MultiQueryResult(queries, HybridRetriever.Fuse(lists, K, FusionMethod.ReciprocalRank));
    }
}

/// <summary>What <see cref="MultiQueryRetrieve"/> searched and found.</summary>
/// <param name="Queries">The queries searched: the question, then the LM's variants.</param>
/// <param name="Passages">The fused passages, best first, scored by reciprocal rank.</param>
public sealed record MultiQueryResult(IReadOnlyList<string> Queries, IReadOnlyList<Passage> Passages);
