using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Declarative.Runtime.LLama;

public sealed partial record ModelSource
{
    private const string LocalPrefix = "llama:";
    private const string HuggingFacePrefix = "hf:";
    private const string HashMarker = "#sha256=";

    private static bool TryParseCore(string spec, [NotNullWhen(true)] out ModelSource? source, out string error)
    {
        source = null;
        spec = spec.Trim();
        if (spec.Length == 0)
        {
            error = "the spec is empty";
            return false;
        }

        var body = spec;
        string? sha256 = null;
        var marker = spec.LastIndexOf(HashMarker, StringComparison.OrdinalIgnoreCase);
        if (marker >= 0)
        {
            var hex = spec[(marker + HashMarker.Length)..];
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            {
                error = $"'{hex}' after '{HashMarker}' is not 64 hex digits";
                return false;
            }

            sha256 = hex.ToLowerInvariant();
            body = spec[..marker];
        }

        if (body.StartsWith(LocalPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return TryParseLocal(spec, body[LocalPrefix.Length..], sha256, out source, out error);
        }

        if (body.StartsWith(HuggingFacePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return TryParseHuggingFace(spec, body[HuggingFacePrefix.Length..], sha256, out source, out error);
        }

        if (body.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || body.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseUrl(spec, body, sha256, out source, out error);
        }

        error = "it starts with none of 'llama:', 'hf:', 'https://' or 'http://'";
        return false;
    }

    private static bool TryParseLocal(string spec, string path, string? sha256, [NotNullWhen(true)] out ModelSource? source, out string error)
    {
        source = null;
        if (path.Length == 0)
        {
            error = "the path after 'llama:' is empty";
            return false;
        }

        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[1..]);
        }

        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"'{path}' is not a valid path ({e.Message})";
            return false;
        }

        var fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0)
        {
            error = $"'{path}' names a directory, not a file";
            return false;
        }

        error = "";
        source = new ModelSource(spec, ModelSourceKind.Local, fullPath, null, sha256, fileName);
        return true;
    }

    private static bool TryParseHuggingFace(string spec, string rest, string? sha256, [NotNullWhen(true)] out ModelSource? source, out string error)
    {
        source = null;
        var parts = rest.Split('/');
        if (parts.Length < 3 || parts.Any(p => p.Length == 0))
        {
            error = "an 'hf:' spec needs an owner, a repository and the file's path, separated by '/' with no empty parts";
            return false;
        }

        if (parts.Any(p => p is "." or ".." || p.Contains('#', StringComparison.Ordinal)))
        {
            error = "the parts of an 'hf:' spec may not be '.' or '..' nor contain '#' (pin a hash with '#sha256=<64 hex>')";
            return false;
        }

        var repository = parts[1];
        var revision = "main";
        var at = repository.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            revision = repository[(at + 1)..];
            repository = repository[..at];
            if (repository.Length == 0 || revision.Length == 0)
            {
                error = "'@' after the repository must stand between a repository name and a revision";
                return false;
            }
        }

        var filePath = string.Join('/', parts.Skip(2).Select(Uri.EscapeDataString));
        var url = string.Create(CultureInfo.InvariantCulture,
            $"https://huggingface.co/{Uri.EscapeDataString(parts[0])}/{Uri.EscapeDataString(repository)}/resolve/{Uri.EscapeDataString(revision)}/{filePath}");
        error = "";
        source = new ModelSource(spec, ModelSourceKind.Url, null, new Uri(url), sha256, parts[^1]);
        return true;
    }

    private static bool TryParseUrl(string spec, string body, string? sha256, [NotNullWhen(true)] out ModelSource? source, out string error)
    {
        source = null;
        if (!Uri.TryCreate(body, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            error = $"'{body}' is not a valid URL";
            return false;
        }

        if (uri.Fragment.Length > 0)
        {
            error = $"the URL has the fragment '{uri.Fragment}'; the only fragment allowed is '#sha256=<64 hex>'";
            return false;
        }

        var fileName = Uri.UnescapeDataString(uri.Segments[^1]);
        if (fileName.Length == 0 || fileName.EndsWith('/'))
        {
            error = "the URL's path names no file";
            return false;
        }

        error = "";
        source = new ModelSource(spec, ModelSourceKind.Url, null, uri, sha256, fileName);
        return true;
    }
}
