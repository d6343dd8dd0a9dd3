using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.OpenAI.Tests;

/// <summary>Embeddings through the OpenAI backend against the loopback server.</summary>
public class EmbeddingTests
{
    [Fact]
    public async Task Embeddings_come_back_in_order_with_their_dimensions()
    {
        await using var server = new OpenAiTestServer(new ScriptedChatClient(), new OpenAiTestServerOptions { AcceptAnyModel = true, EmbeddingDimensions = 8 });
        using var generator = OpenAiModels.CreateEmbeddingGenerator(new OpenAiClientOptions { Model = "text-embedding-3-small", Endpoint = server.Endpoint, ServerKind = OpenAiServerKind.Generic });
        var result = await generator.GenerateAsync(["alpha", "beta", "alpha"]);
        Assert.Equal(3, result.Count);
        Assert.All(result, e => Assert.Equal(8, e.Vector.Length));
        Assert.Equal(result[0].Vector.ToArray(), result[2].Vector.ToArray());
        Assert.NotEqual(result[0].Vector.ToArray(), result[1].Vector.ToArray());
        Assert.Contains(server.Requests, r => r.Path == "/v1/embeddings");
    }

    [Fact]
    public async Task Server_errors_are_typed_and_not_retried_by_the_sdk()
    {
        await using var server = new OpenAiTestServer(new ScriptedChatClient(), new OpenAiTestServerOptions { AcceptAnyModel = true });
        server.EnqueueError(500, "the embedding service is down", "server_error");
        using var generator = OpenAiModels.CreateEmbeddingGenerator(new OpenAiClientOptions { Model = "m", Endpoint = server.Endpoint, ServerKind = OpenAiServerKind.Generic });
        var ex = await Assert.ThrowsAsync<OpenAiServerException>(() => generator.GenerateAsync(["x"]));
        Assert.Equal(500, ex.StatusCode);
        Assert.Contains("the embedding service is down", ex.Message);
        Assert.Single(server.Requests);
    }
}
