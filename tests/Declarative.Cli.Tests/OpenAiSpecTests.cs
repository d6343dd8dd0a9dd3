using System.Text.Json.Nodes;
using Declarative.Testing;

namespace Declarative.Cli.Tests;

public class OpenAiSpecTests
{
    [Fact]
    public async Task Run_against_an_openai_compatible_server()
    {
        var scripted = new ScriptedChatClient().Answer(("answer", "Paris"));
        await using var server = new OpenAiTestServer(scripted);
        var (code, stdout, stderr) = await CliRunner.RunAsync("run", "-s", "question -> answer", "-i", "{\"question\": \"Capital of France?\"}",
            "--lm", $"openai-compatible:{server.Endpoint}#test-model", "--no-cache");
        Assert.True(code == 0, stderr);
        Assert.Equal("Paris", JsonNode.Parse(stdout)!["answer"]!.GetValue<string>());
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("test-model", request.Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Server_errors_exit_with_the_servers_message()
    {
        await using var server = new OpenAiTestServer(new ScriptedChatClient());
        var (code, _, stderr) = await CliRunner.RunAsync("run", "-s", "question -> answer", "-i", "{\"question\": \"q\"}",
            "--lm", $"openai-compatible:{server.Endpoint}#other-model", "--no-cache");
        Assert.NotEqual(0, code);
        Assert.Contains("other-model", stderr, StringComparison.Ordinal);
    }
}
