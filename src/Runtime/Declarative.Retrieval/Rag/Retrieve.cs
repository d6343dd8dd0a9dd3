namespace Declarative.Retrieval;

/// <summary>The retrieval module (DSPy's <c>dspy.Retrieve</c>): the k passages most relevant to a query, from any <see cref="IRetriever"/>.</summary>
public sealed class Retrieve : Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="retriever">Where passages come from.</param>
    /// <param name="k">How many passages to return by default (default 3).</param>
    public Retrieve(IRetriever retriever, int k = 3)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        Retriever = retriever;
        K = k;
    }

    /// <summary>Where passages come from.</summary>
    public IRetriever Retriever { get; }

    /// <summary>How many passages are returned by default.</summary>
    public int K { get; }

    /// <summary>Retrieves passages for a query.</summary>
    /// <param name="query">The query.</param>
    /// <param name="k">How many passages (default <see cref="K"/>).</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The passages, best first.</returns>
    public Task<IReadOnlyList<Passage>> InvokeAsync(string query, int? k = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Retriever.RetrieveAsync(query, k ?? K, cancellationToken);
    }
}
