namespace Declarative.Runtime.LLama.Tests;

/// <summary>Model specs parse into sources, and bad ones fail with a message that lists the accepted forms.</summary>
public class ModelFileSpecTests
{
    private const string Hash = "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789ABCDEF";

    [Fact]
    public void Local_spec_resolves_the_path()
    {
        var source = ModelSource.Parse("llama:models/tiny.gguf");
        Assert.Equal(ModelSourceKind.Local, source.Kind);
        Assert.Equal(Path.GetFullPath("models/tiny.gguf"), source.LocalPath);
        Assert.Null(source.Uri);
        Assert.Null(source.ExpectedSha256);
        Assert.Equal("tiny.gguf", source.FileName);
        Assert.Equal("llama:models/tiny.gguf", source.ToString());
    }

    [Fact]
    public void Local_spec_with_a_pin_keeps_it_in_lower_case()
    {
        var source = ModelSource.Parse($"llama:/data/x.gguf#sha256={Hash}");
        Assert.Equal(Path.GetFullPath("/data/x.gguf"), source.LocalPath);
        Assert.Equal(Hash.ToLowerInvariant(), source.ExpectedSha256);
    }

    [Fact]
    public void Url_spec_keeps_the_url()
    {
        var source = ModelSource.Parse($"https://example.com/a/b%20c/x.gguf#sha256={Hash}");
        Assert.Equal(ModelSourceKind.Url, source.Kind);
        Assert.Equal("https://example.com/a/b%20c/x.gguf", source.Uri!.AbsoluteUri);
        Assert.Null(source.LocalPath);
        Assert.Equal(Hash.ToLowerInvariant(), source.ExpectedSha256);
        Assert.Equal("x.gguf", source.FileName);
    }

    [Theory]
    [InlineData("hf:owner/repo/x.gguf", "https://huggingface.co/owner/repo/resolve/main/x.gguf")]
    [InlineData("hf:owner/repo@v1.0/sub/dir/x.gguf", "https://huggingface.co/owner/repo/resolve/v1.0/sub/dir/x.gguf")]
    [InlineData("HF:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf",
        "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf")]
    public void Hugging_Face_spec_maps_to_the_resolve_url(string spec, string url)
    {
        var source = ModelSource.Parse(spec);
        Assert.Equal(ModelSourceKind.Url, source.Kind);
        Assert.Equal(url, source.Uri!.AbsoluteUri);
        Assert.Equal(url[(url.LastIndexOf('/') + 1)..], source.FileName);
    }

    [Fact]
    public void Hugging_Face_spec_with_revision_and_pin()
    {
        var source = ModelSource.Parse($"hf:owner/repo@abc123/x.gguf#sha256={Hash}");
        Assert.Equal("https://huggingface.co/owner/repo/resolve/abc123/x.gguf", source.Uri!.AbsoluteUri);
        Assert.Equal(Hash.ToLowerInvariant(), source.ExpectedSha256);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tiny.gguf")]
    [InlineData("ftp://example.com/x.gguf")]
    [InlineData("llama:")]
    [InlineData("llama:models/")]
    [InlineData("llama:x.gguf#sha256=1234")]
    [InlineData("llama:x.gguf#sha256=zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("hf:owner/repo")]
    [InlineData("hf:owner//x.gguf")]
    [InlineData("hf:owner/repo@/x.gguf")]
    [InlineData("hf:owner/repo/../x.gguf")]
    [InlineData("hf:owner/repo/x.gguf#main")]
    [InlineData("https://example.com/")]
    [InlineData("https://example.com/x.gguf#part")]
    public void Bad_specs_fail_with_the_accepted_forms(string spec)
    {
        var error = Assert.Throws<FormatException>(() => ModelSource.Parse(spec));
        Assert.Contains("Accepted forms", error.Message, StringComparison.Ordinal);
        Assert.Contains("hf:owner/repo", error.Message, StringComparison.Ordinal);
        Assert.False(ModelSource.TryParse(spec, out var source));
        Assert.Null(source);
    }

    [Fact]
    public void Null_spec_throws_ArgumentNullException_and_TryParse_returns_false()
    {
        Assert.Throws<ArgumentNullException>(() => ModelSource.Parse(null!));
        Assert.False(ModelSource.TryParse(null, out _));
    }

    [Fact]
    public void Cache_path_is_host_and_url_path()
    {
        var cache = Path.Combine(Path.GetTempPath(), "declarative-cache-path-test");
        var downloader = new ModelDownloader(new ModelDownloadOptions { CacheDirectory = cache });
        Assert.Equal(Path.Combine(cache, "huggingface.co", "owner", "repo", "resolve", "main", "x.gguf"),
            downloader.GetCachePath(ModelSource.Parse("hf:owner/repo/x.gguf")));
        Assert.Equal(Path.Combine(cache, "example.com_8080", "a_b", "_CON", "x.gguf"),
            downloader.GetCachePath(ModelSource.Parse("http://Example.com:8080/a%3Ab/CON/x.gguf")));
        Assert.Throws<ArgumentException>(() => downloader.GetCachePath(ModelSource.Parse("llama:x.gguf")));
    }

    [Fact]
    public void Invalid_options_are_rejected_when_the_downloader_is_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelDownloader(new ModelDownloadOptions { MaxAttempts = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelDownloader(new ModelDownloadOptions { RetryDelay = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelDownloader(new ModelDownloadOptions { StallTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new ModelDownloader(new ModelDownloadOptions { CacheDirectory = " " }));
    }
}
