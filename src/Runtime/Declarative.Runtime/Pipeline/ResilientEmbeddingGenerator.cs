using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>Applies a <see cref="ResilienceOptions"/> policy to every embedding request.</summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
internal sealed class ResilientEmbeddingGenerator<TInput, TEmbedding>(IEmbeddingGenerator<TInput, TEmbedding> inner, ResilienceOptions options)
    : DelegatingEmbeddingGenerator<TInput, TEmbedding>(inner)
    where TEmbedding : Embedding
{
    private readonly ResilienceStrategy strategy = new(options);

    public override Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values as IReadOnlyCollection<TInput> ?? values.ToList();
        var estimate = TokenEstimate.Saturate(TokenEstimate.ForInputs(list));
        return strategy.ExecuteAsync(
            scope => base.GenerateAsync(list, options, scope.Token),
            estimate,
            result => result.Usage is { } usage ? (int?)(usage.TotalTokenCount ?? usage.InputTokenCount) : null,
            cancellationToken);
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ResilienceStatistics) ? strategy.Counters.Snapshot() : base.GetService(serviceType, serviceKey);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            strategy.Dispose();
        }

        base.Dispose(disposing);
    }
}
