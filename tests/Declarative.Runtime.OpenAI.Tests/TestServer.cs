using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.OpenAI.Tests;

internal static class TestServer
{
    public static IChatClient Client(OpenAiTestServer server, OpenAiServerKind kind = OpenAiServerKind.Generic, string model = "test-model") =>
        OpenAiModels.CreateChatClient(new OpenAiClientOptions { Model = model, Endpoint = server.Endpoint, ServerKind = kind, NetworkTimeout = TimeSpan.FromSeconds(30) });
}
