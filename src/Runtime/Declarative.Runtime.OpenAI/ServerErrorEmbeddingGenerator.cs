using System.ClientModel;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.OpenAI;

/// <summary>Turns the SDK's errors on embedding requests into <see cref="OpenAiServerException"/>s with the server's own message.</summary>
internal sealed class ServerErrorEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientResultException ex)
        {
            throw OpenAiErrors.Translate(ex);
        }
    }
}
