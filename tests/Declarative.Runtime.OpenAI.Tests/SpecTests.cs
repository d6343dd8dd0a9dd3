namespace Declarative.Runtime.OpenAI.Tests;

public class SpecTests
{
    [Fact]
    public void Openai_spec_reads_the_key_from_the_environment()
    {
        var options = OpenAiModels.ParseSpec("openai:gpt-4o-mini", environment: name => name == "OPENAI_API_KEY" ? "sk-test" : null);
        Assert.Equal("gpt-4o-mini", options.Model);
        Assert.Equal("sk-test", options.ApiKey);
        Assert.Null(options.Endpoint);
        Assert.Equal(OpenAiServerKind.OpenAI, options.ServerKind);
    }

    [Fact]
    public void Openai_spec_without_a_key_names_the_variable()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OpenAiModels.ParseSpec("openai:gpt-4o-mini", environment: _ => null));
        Assert.Contains("OPENAI_API_KEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compatible_spec_has_an_endpoint_a_model_and_an_optional_key()
    {
        var options = OpenAiModels.ParseSpec("openai-compatible:http://127.0.0.1:8000/v1#qwen2.5", environment: _ => null);
        Assert.Equal(new Uri("http://127.0.0.1:8000/v1"), options.Endpoint);
        Assert.Equal("qwen2.5", options.Model);
        Assert.Null(options.ApiKey);
        Assert.Equal(OpenAiServerKind.Generic, options.ServerKind);
        Assert.Equal(OpenAiServerKind.VLlm, OpenAiModels.ParseSpec("openai-compatible:http://h/v1#m", OpenAiServerKind.VLlm).ServerKind);
    }

    [Theory]
    [InlineData("openai:")]
    [InlineData("openai-compatible:http://127.0.0.1/v1")]
    [InlineData("openai-compatible:ftp://x/v1#m")]
    [InlineData("llama:x.gguf")]
    public void Malformed_specs_are_format_errors(string spec) =>
        Assert.Throws<FormatException>(() => OpenAiModels.ParseSpec(spec, environment: _ => "k"));

    [Fact]
    public void Options_are_validated_when_the_client_is_built()
    {
        Assert.Throws<ArgumentException>(() => OpenAiModels.CreateChatClient(new OpenAiClientOptions { Model = "m" }));
        Assert.Throws<ArgumentException>(() => OpenAiModels.CreateChatClient(new OpenAiClientOptions { Model = " ", ApiKey = "k" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => OpenAiModels.CreateChatClient(new OpenAiClientOptions { Model = "m", ApiKey = "k", NetworkTimeout = TimeSpan.Zero }));
    }
}
