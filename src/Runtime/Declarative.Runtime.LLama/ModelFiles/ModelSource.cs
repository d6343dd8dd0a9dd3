using System.Diagnostics.CodeAnalysis;

namespace Declarative.Runtime.LLama;

/// <summary>
/// A model file named by a spec: <c>llama:PATH.gguf</c> (a local file), <c>https://host/…/x.gguf</c> (a URL), or
/// <c>hf:owner/repo[@revision]/path/x.gguf</c> (a file of a Hugging Face repository, revision <c>main</c> by default).
/// Any of them may end with <c>#sha256=&lt;64 hex digits&gt;</c> to pin the file's content.
/// Obtain the file with <see cref="ModelDownloader.EnsureAsync"/>.
/// </summary>
public sealed partial record ModelSource
{
    /// <summary>The accepted forms, as error messages show them.</summary>
    internal const string AcceptedForms =
        "Accepted forms: 'llama:PATH.gguf' (a local file), 'https://host/path/file.gguf' (a URL), " +
        "'hf:owner/repo/path/file.gguf' or 'hf:owner/repo@revision/path/file.gguf' (Hugging Face, revision 'main' by default); " +
        "each may end with '#sha256=<64 hex digits>'.";

    private ModelSource(string spec, ModelSourceKind kind, string? localPath, Uri? uri, string? expectedSha256, string fileName)
    {
        Spec = spec;
        Kind = kind;
        LocalPath = localPath;
        Uri = uri;
        ExpectedSha256 = expectedSha256;
        FileName = fileName;
    }

    /// <summary>The spec as it was given (trimmed).</summary>
    public string Spec { get; }

    /// <summary>Whether the file is local or downloaded.</summary>
    public ModelSourceKind Kind { get; }

    /// <summary>The full path of a <see cref="ModelSourceKind.Local"/> file; <see langword="null"/> for a URL.</summary>
    public string? LocalPath { get; }

    /// <summary>The URL of a <see cref="ModelSourceKind.Url"/> file (an <c>hf:</c> spec resolved); <see langword="null"/> for a local file.</summary>
    public Uri? Uri { get; }

    /// <summary>The pinned SHA-256 of the file in lower-case hex, or <see langword="null"/> when the spec pins none.</summary>
    public string? ExpectedSha256 { get; }

    /// <summary>The file's name (the last segment of its path).</summary>
    public string FileName { get; }

    /// <summary>Parses a model spec.</summary>
    /// <param name="spec">A spec in one of the forms described on <see cref="ModelSource"/>.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="spec"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The spec is not in an accepted form; the message lists them.</exception>
    public static ModelSource Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return TryParseCore(spec, out var source, out var error)
            ? source
            : throw new FormatException($"'{spec}' is not a model spec: {error}. {AcceptedForms}");
    }

    /// <summary>Parses a model spec, without throwing.</summary>
    /// <param name="spec">A spec in one of the forms described on <see cref="ModelSource"/>.</param>
    /// <param name="source">The source, when the spec is valid.</param>
    /// <returns>Whether the spec is valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? spec, [NotNullWhen(true)] out ModelSource? source)
    {
        if (spec is null)
        {
            source = null;
            return false;
        }

        return TryParseCore(spec, out source, out _);
    }

    /// <summary>The spec as it was given.</summary>
    /// <returns><see cref="Spec"/>.</returns>
    public override string ToString() => Spec;
}
