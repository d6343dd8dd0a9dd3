using System.Security.Cryptography;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama.Tests;

/// <summary><see cref="LlamaSpec"/>: model file and settings in one string, and loading a client that owns its model.</summary>
public class LlamaSpecTests
{
    private const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("llama:/models/x.gguf", ModelSourceKind.Local, "/models/x.gguf", null)]
    [InlineData("llama:/models/x.gguf?ctx=512", ModelSourceKind.Local, "/models/x.gguf", null)]
    [InlineData("llama:/models/x.gguf#sha256=" + Hash + "?ctx=512", ModelSourceKind.Local, "/models/x.gguf", Hash)]
    [InlineData("llama:/models/x.gguf?ctx=512#sha256=" + Hash, ModelSourceKind.Local, "/models/x.gguf", Hash)]
    [InlineData("llama:https://host/m/x.gguf?ngl=0", ModelSourceKind.Url, "https://host/m/x.gguf", null)]
    [InlineData("llama:https://host/m/x.gguf?download=true?ngl=0", ModelSourceKind.Url, "https://host/m/x.gguf?download=true", null)]
    [InlineData("llama:hf:owner/repo/x.gguf#sha256=" + Hash, ModelSourceKind.Url, "https://huggingface.co/owner/repo/resolve/main/x.gguf", Hash)]
    [InlineData("hf:owner/repo@v2/dir/x.gguf?temperature=0.5", ModelSourceKind.Url, "https://huggingface.co/owner/repo/resolve/v2/dir/x.gguf", null)]
    public void Parses_the_model_file_forms(string spec, ModelSourceKind kind, string where, string? sha256)
    {
        var parsed = LlamaSpec.Parse(spec);
        Assert.Equal(kind, parsed.Source.Kind);
        Assert.Equal(where, kind == ModelSourceKind.Local ? parsed.Source.LocalPath : parsed.Source.Uri!.ToString());
        Assert.Equal(sha256, parsed.Source.ExpectedSha256);
        Assert.Equal("x.gguf", parsed.Source.FileName);
    }

    [Fact]
    public void Settings_go_to_the_model_and_chat_options()
    {
        var spec = LlamaSpec.Parse("llama:m.gguf?ctx=8192&ngl=0&threads=4&batch=256&flash-attn=on&kv=q8_0&mmap=off&temperature=0.7&max-tokens=300&template=llama3");
        var model = spec.CreateModelOptions();
        Assert.Equal(8192, model.ContextSize);
        Assert.Equal(0, model.GpuLayerCount);
        Assert.Equal(4, model.Threads);
        Assert.Equal(256, model.BatchSize);
        Assert.True(model.FlashAttention);
        Assert.Equal(LlamaKvCacheType.Q8_0, model.KvCacheType);
        Assert.False(model.UseMemoryMap);
        var chat = spec.CreateChatOptions();
        Assert.Equal(0.7f, chat.Temperature);
        Assert.Equal(300, chat.MaxOutputTokens);
        Assert.Equal("llama3", chat.FallbackTemplate);

        var defaults = LlamaSpec.Parse("llama:m.gguf?flash-attn=auto&ngl=all").CreateModelOptions();
        Assert.Null(defaults.FlashAttention);
        Assert.Equal(-1, defaults.GpuLayerCount);
        Assert.Equal(new LlamaModelOptions().ContextSize, defaults.ContextSize);
        Assert.NotSame(spec.CreateModelOptions(), spec.CreateModelOptions());
    }

    [Theory]
    [InlineData("llama:m.gguf?size=9", "'size' is not a setting")]
    [InlineData("llama:m.gguf?ctx=8", "ctx=8 is not a whole number of at least 16")]
    [InlineData("llama:m.gguf?ctx=lots", "ctx=lots")]
    [InlineData("llama:m.gguf?ngl=-2", "ngl=-2")]
    [InlineData("llama:m.gguf?flash-attn=maybe", "on, off or auto")]
    [InlineData("llama:m.gguf?mmap=auto", "on or off")]
    [InlineData("llama:m.gguf?kv=q5_1", "f16, f32, q8_0 or q4_0")]
    [InlineData("llama:m.gguf?temperature=-1", "temperature=-1")]
    [InlineData("llama:m.gguf?max-tokens=0", "max-tokens=0")]
    [InlineData("llama:m.gguf?ctx=512&ctx=1024", "given twice")]
    [InlineData("llama:m.gguf?ctx", "has no value")]
    [InlineData("llama:https://host/x.gguf?download=true", "second '?'")]
    public void Bad_settings_name_the_accepted_ones(string spec, string problem)
    {
        var ex = Assert.Throws<FormatException>(() => LlamaSpec.Parse(spec));
        Assert.Contains(problem, ex.Message);
        Assert.Contains("ctx=TOKENS", ex.Message);
        Assert.Contains("max-tokens=N", ex.Message);
    }

    [Fact]
    public void Bad_model_specs_are_format_errors()
    {
        Assert.Contains("hf:", Assert.Throws<FormatException>(() => LlamaSpec.Parse("llama:hf:owner")).Message);
        Assert.Contains("64 hex", Assert.Throws<FormatException>(() => LlamaSpec.Parse("llama:x.gguf#sha256=abc")).Message);
        Assert.Throws<FormatException>(() => LlamaSpec.Parse("llama:"));
    }

    [Fact]
    public async Task A_downloaded_model_loads_and_the_client_owns_it()
    {
        var folder = Directory.CreateTempSubdirectory("declarative-spec-").FullName;
        try
        {
            var file = Path.Combine(folder, "tiny.gguf");
            TinyGguf.Write(file);
            var bytes = await File.ReadAllBytesAsync(file);
            await using var server = new LoopbackFileServer(bytes);
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var spec = LlamaSpec.Parse($"llama:{server.Url()}#sha256={hash}?ctx=256&ngl=0&max-tokens=8");
            var downloader = new ModelDownloader(new ModelDownloadOptions { CacheDirectory = Path.Combine(folder, "cache"), HuggingFaceToken = null });
            var reports = new List<ModelDownloadProgress>();
            var client = await spec.LoadChatClientAsync(downloader, new Reports(reports));
            var model = client.GetService<LlamaModel>();
            Assert.NotNull(model);
            Assert.Equal(256, model.Options.ContextSize);
            Assert.Equal(downloader.GetCachePath(spec.Source), model.Path);
            Assert.Contains(reports, r => r.BytesReceived == bytes.Length);
            var reply = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);
            Assert.InRange(reply.Usage!.OutputTokenCount!.Value, 1, 8);
            client.Dispose();
            Assert.True(model.Weights.NativeHandle.IsClosed);
            client.Dispose(); // twice is harmless
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_local_file_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), $"declarative-missing-{Guid.NewGuid():N}.gguf");
        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => LlamaSpec.Parse("llama:" + path).LoadChatClientAsync());
        Assert.Contains(path, ex.Message);
    }

    private sealed class Reports(List<ModelDownloadProgress> list) : IProgress<ModelDownloadProgress>
    {
        public void Report(ModelDownloadProgress value)
        {
            lock (list)
            {
                list.Add(value);
            }
        }
    }
}
