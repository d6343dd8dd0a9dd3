namespace Declarative.Retrieval;

/// <summary>Finds the passages most relevant to a query: a vector, keyword or hybrid index, or a remote search service.</summary>
public interface IRetriever
{
    /// <summary>The <paramref name="k"/> passages most relevant to <paramref name="query"/>, best first.</summary>
    /// <param name="query">The query text.</param>
    /// <param name="k">How many passages at most.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The passages, best first.</returns>
    Task<IReadOnlyList<Passage>> RetrieveAsync(string query, int k, CancellationToken cancellationToken = default);
}
