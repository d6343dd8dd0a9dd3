using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Declarative.Runtime.LLama;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Cli.Tests;

/// <summary>A tiny generated GGUF model, written once for the tests of <c>--lm llama:…</c>.</summary>
public sealed class TinyModelFile : IDisposable
{
    public TinyModelFile()
    {
        Folder = Directory.CreateTempSubdirectory("declarative-cli-llama-").FullName;
        Path = System.IO.Path.Combine(Folder, "tiny.gguf");
        TinyGguf.Write(Path);
    }

    public string Folder { get; }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary><c>declarative run --lm llama:…</c> on a tiny (random, so nonsensical) model: replies parse and are typed; settings and bad files are handled.</summary>
public class LlamaModelTests(TinyModelFile model) : IClassFixture<TinyModelFile>
{
    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(string signature, string lm, params string[] more) =>
        CliRunner.RunAsync(["run", "-s", signature, "-i", "{\"question\": \"How many?\"}", "--lm", lm, "--no-cache", .. more]);

    [Theory]
    [InlineData("chat")]
    [InlineData("json")]
    public async Task A_local_model_answers_with_typed_outputs(string adapter)
    {
        var (code, stdout, stderr) = await RunAsync("question -> answer: int, sure: bool, mood: Literal['calm', 'upset']",
            $"llama:{model.Path}?ngl=0&ctx=2048&max-tokens=120", "--adapter", adapter);
        Assert.True(code == 0, stderr);
        var output = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(["answer", "sure", "mood"], output.Select(p => p.Key));
        Assert.Equal(JsonValueKind.Number, output["answer"]!.GetValueKind());
        Assert.True(output["answer"]!.GetValue<decimal>() % 1 == 0, stdout);
        Assert.Contains(output["sure"]!.GetValueKind(), new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.Contains(output["mood"]!.GetValue<string>(), new[] { "calm", "upset" });
    }

    [Fact]
    public async Task The_context_size_setting_is_honoured()
    {
        var (code, stdout, stderr) = await RunAsync("question -> answer", $"llama:{model.Path}?ctx=256&ngl=0");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("the context holds 256", stderr);
        Assert.Contains("?ctx=TOKENS", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_missing_file_exits_2_naming_the_path()
    {
        var path = Path.Combine(model.Folder, "absent.gguf");
        var (code, _, stderr) = await RunAsync("question -> answer", "llama:" + path);
        Assert.Equal(2, code);
        Assert.Contains(path, stderr);
        Assert.Contains("does not exist", stderr);
    }

    [Fact]
    public async Task Junk_and_truncated_files_exit_2()
    {
        var junk = Path.Combine(model.Folder, "junk.gguf");
        await File.WriteAllTextAsync(junk, "this is not a model at all, just some words in a file");
        var (code, _, stderr) = await RunAsync("question -> answer", "llama:" + junk);
        Assert.Equal(2, code);
        Assert.Contains("not a GGUF file", stderr);

        var truncated = Path.Combine(model.Folder, "truncated.gguf");
        await File.WriteAllBytesAsync(truncated, (await File.ReadAllBytesAsync(model.Path))[..3000]);
        (code, _, stderr) = await RunAsync("question -> answer", "llama:" + truncated);
        Assert.Equal(2, code);
        Assert.Contains("truncated", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("?size=4", "'size' is not a setting")]
    [InlineData("?ctx=huge", "ctx=huge")]
    [InlineData("?kv=q2", "kv=q2")]
    public async Task Bad_settings_exit_2_listing_the_accepted_ones(string query, string problem)
    {
        var (code, _, stderr) = await RunAsync("question -> answer", $"llama:{model.Path}{query}");
        Assert.Equal(2, code);
        Assert.Contains(problem, stderr);
        Assert.Contains("ctx=TOKENS", stderr);
        Assert.Contains("ngl=LAYERS", stderr);
        Assert.Contains("flash-attn=on|off|auto", stderr);
    }

    [Fact]
    public async Task A_remote_model_is_downloaded_with_progress_on_stderr()
    {
        var bytes = await File.ReadAllBytesAsync(model.Path);
        using var server = new OneFileServer(bytes);
        var cache = Path.Combine(model.Folder, "cache-" + Guid.NewGuid().ToString("N"));
        var downloader = new ModelDownloader(new ModelDownloadOptions { CacheDirectory = cache, HuggingFaceToken = null });
        var stderr = new StringWriter();
        using (var client = await LmSpec.CreateAsync($"llama:{server.Url}tiny.gguf?ngl=0&max-tokens=4", ChatAdapter.Default, stderr, downloader))
        {
            var reply = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);
            Assert.InRange(reply.Usage!.OutputTokenCount!.Value, 1, 4);
        }

        Assert.Contains("downloading tiny.gguf: 100.0%", stderr.ToString());

        // Once cached, nothing is downloaded and nothing is shown.
        var again = new StringWriter();
        using (await LmSpec.CreateAsync($"llama:{server.Url}tiny.gguf", ChatAdapter.Default, again, downloader))
        {
            Assert.Equal("", again.ToString());
        }
    }

    [Fact]
    public void Progress_without_a_terminal_is_a_line_per_tenth()
    {
        var stderr = new StringWriter();
        var writer = new DownloadProgressWriter(stderr, "m.gguf", interactive: false);
        for (var received = 0L; received <= 1000; received += 25)
        {
            writer.Report(new ModelDownloadProgress(received, 1000));
        }

        writer.Finish();
        var lines = stderr.ToString().Trim().Split('\n');
        Assert.Equal(11, lines.Length);
        Assert.StartsWith("downloading m.gguf:   0.0%", lines[0]);
        Assert.StartsWith("downloading m.gguf: 100.0%", lines[^1]);
    }

    [Fact]
    public void Progress_on_a_terminal_redraws_one_line()
    {
        var stderr = new StringWriter();
        var writer = new DownloadProgressWriter(stderr, "m.gguf", interactive: true);
        writer.Report(new ModelDownloadProgress(3L << 20, null));
        writer.Report(new ModelDownloadProgress(5L << 20, null));
        writer.Finish();
        Assert.Equal("\rdownloading m.gguf: 3.0 MiB   \rdownloading m.gguf: 5.0 MiB   " + Environment.NewLine, stderr.ToString());
    }

    /// <summary>Serves one file at every path over HTTP on the loopback interface.</summary>
    private sealed class OneFileServer : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly byte[] content;

        public OneFileServer(byte[] content)
        {
            this.content = content;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/models/";
            listener.Prefixes.Add(Url);
            listener.Start();
            _ = ServeAsync();
        }

        public string Url { get; }

        public void Dispose() => listener.Close();

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                context.Response.ContentLength64 = content.Length;
                await context.Response.OutputStream.WriteAsync(content);
                context.Response.Close();
            }
        }
    }
}
