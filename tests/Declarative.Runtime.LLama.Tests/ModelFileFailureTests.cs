using System.Net;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>Downloads that cannot succeed fail with typed, actionable errors and leave no file at the cached name.</summary>
public sealed class ModelFileFailureTests : ModelFileTestBase
{
    [Fact]
    public async Task Wrong_pin_throws_and_leaves_no_file()
    {
        var wrong = ModelSource.Parse($"{Server.Url()}#sha256={new string('0', 64)}");

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().EnsureAsync(wrong));

        Assert.Contains(Sha256, error.Message, StringComparison.Ordinal);
        Assert.Contains(new string('0', 64), error.Message, StringComparison.Ordinal);
        Assert.Null(error.StatusCode);
        Assert.Equal(Server.Url(), error.Uri);
        Assert.Equal([".lock"], Directory.GetFiles(Cache, "tiny.gguf*", SearchOption.AllDirectories).Select(f => f[(f.LastIndexOf(".gguf", StringComparison.Ordinal) + 5)..]));
    }

    [Fact]
    public async Task Not_found_throws_without_retrying()
    {
        Server.Status = HttpStatusCode.NotFound;

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().EnsureAsync(Pinned()));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("Check the spec", error.Message, StringComparison.Ordinal);
        Assert.Single(Server.Requests);
        Assert.False(File.Exists(Downloader().GetCachePath(Pinned())));
    }

    [Fact]
    public async Task Server_errors_are_retried()
    {
        Server.FailNext(HttpStatusCode.ServiceUnavailable, times: 2);

        var path = await Downloader().EnsureAsync(Pinned());

        Assert.Equal(Content, await File.ReadAllBytesAsync(path));
        Assert.Equal(3, Server.Requests.Count);
    }

    [Fact]
    public async Task Download_gives_up_after_MaxAttempts_failures_in_a_row()
    {
        Server.Status = HttpStatusCode.InternalServerError;

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader(maxAttempts: 3).EnsureAsync(Pinned()));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(3, Server.Requests.Count);
        Assert.False(File.Exists(Downloader().GetCachePath(Pinned())));
    }

    [Fact]
    public async Task Local_file_is_checked_and_verified()
    {
        var file = Path.Combine(Cache, "local.gguf");
        await File.WriteAllBytesAsync(file, Content);

        Assert.Equal(file, await Downloader().EnsureAsync(ModelSource.Parse($"llama:{file}#sha256={Sha256}")));
        var mismatch = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().EnsureAsync(ModelSource.Parse($"llama:{file}#sha256={new string('1', 64)}")));
        Assert.Contains(file, mismatch.Message, StringComparison.Ordinal);
        var missing = Path.Combine(Cache, "missing.gguf");
        var notFound = await Assert.ThrowsAsync<FileNotFoundException>(() => Downloader().EnsureAsync(ModelSource.Parse($"llama:{missing}")));
        Assert.Equal(missing, notFound.FileName);
        Assert.Contains(missing, notFound.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Theory]
    [InlineData("hf_secret", HttpStatusCode.Unauthorized, "Bearer hf_secret", "has read access")]
    [InlineData(null, HttpStatusCode.Forbidden, null, "set the HF_TOKEN environment variable")]
    public async Task Gated_Hugging_Face_repository_asks_for_HF_TOKEN(string? token, HttpStatusCode status, string? sent, string advice)
    {
        var handler = new RecordingHandler(status);
        using var client = new HttpClient(handler);
        var downloader = new ModelDownloader(new ModelDownloadOptions { CacheDirectory = Cache, HttpClient = client, HuggingFaceToken = token });

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.EnsureAsync(ModelSource.Parse("hf:owner/gated/x.gguf")));

        Assert.Equal(status, error.StatusCode);
        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
        Assert.Equal(sent, Assert.Single(handler.Authorizations));
    }

    private sealed class RecordingHandler(HttpStatusCode status) : HttpMessageHandler
    {
        public List<string?> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorizations.Add(request.Headers.Authorization?.ToString());
            return Task.FromResult(new HttpResponseMessage(status) { RequestMessage = request });
        }
    }
}
