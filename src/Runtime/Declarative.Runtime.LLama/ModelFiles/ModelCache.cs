using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Declarative.Runtime.LLama;

/// <summary>
/// The layout of the download cache: where a URL's file goes, and the <c>.sha256</c> sidecar that remembers a file's
/// verified hash for as long as its length and modification time stay the same.
/// </summary>
internal static class ModelCache
{
    private const string ForbiddenCharacters = "<>:\"/\\|?*";

    private static readonly HashSet<string> WindowsReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>The cached file of a URL: <c>cache/&lt;host&gt;[_port]/&lt;path segments&gt;</c>, each part made safe as a file name.</summary>
    public static string PathFor(string cacheDirectory, Uri uri)
    {
        var host = uri.IsDefaultPort ? uri.IdnHost : string.Create(CultureInfo.InvariantCulture, $"{uri.IdnHost}_{uri.Port}");
        var parts = new List<string> { cacheDirectory, Sanitize(host.ToLowerInvariant()) };
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        parts.AddRange(segments[..^1].Select(s => Sanitize(Uri.UnescapeDataString(s))));
        if (uri.Query.Length > 0)
        {
            // Two URLs that differ only by their query are different files.
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes(uri.Query));
            parts.Add("q_" + Convert.ToHexStringLower(digest.AsSpan(0, 6)));
        }

        parts.Add(Sanitize(Uri.UnescapeDataString(segments[^1])));
        return Path.Combine([.. parts]);
    }

    /// <summary>The sidecar that holds a file's verified SHA-256.</summary>
    public static string SidecarPath(string file) => file + ".sha256";

    /// <summary>The SHA-256 recorded for the file, if the record matches its current length and modification time.</summary>
    public static string? ReadVerifiedHash(string file)
    {
        try
        {
            var fields = File.ReadAllText(SidecarPath(file)).Split(' ', StringSplitOptions.TrimEntries);
            var info = new FileInfo(file);
            return fields.Length == 3 && fields[0].Length == 64 && info.Exists
                && fields[1] == info.Length.ToString(CultureInfo.InvariantCulture)
                && fields[2] == info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)
                ? fields[0]
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Records the file's verified SHA-256 with its current length and modification time (atomically).</summary>
    public static void WriteVerifiedHash(string file, string sha256)
    {
        var info = new FileInfo(file);
        var sidecar = SidecarPath(file);
        var temporary = sidecar + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{sha256} {info.Length} {info.LastWriteTimeUtc.Ticks}"));
        File.Move(temporary, sidecar, overwrite: true);
    }

    /// <summary>The file's SHA-256, from the sidecar when it is current, otherwise computed (and recorded).</summary>
    public static async Task<string> GetVerifiedHashAsync(string file, CancellationToken cancellationToken)
    {
        if (ReadVerifiedHash(file) is { } recorded)
        {
            return recorded;
        }

        var computed = await ComputeSha256Async(file, cancellationToken).ConfigureAwait(false);
        try
        {
            WriteVerifiedHash(file, computed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache still works; the hash is computed again next time.
        }

        return computed;
    }

    /// <summary>The SHA-256 of a file, in lower-case hex.</summary>
    public static async Task<string> ComputeSha256Async(string file, CancellationToken cancellationToken)
    {
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var digest = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return Convert.ToHexStringLower(digest);
        }
    }

    private static string Sanitize(string part)
    {
        var builder = new StringBuilder(part.Length);
        foreach (var c in part)
        {
            builder.Append(c < ' ' || ForbiddenCharacters.Contains(c, StringComparison.Ordinal) ? '_' : c);
        }

        var safe = builder.ToString().TrimEnd('.', ' ');
        if (safe.Length == 0)
        {
            return "_";
        }

        return WindowsReservedNames.Contains(Path.GetFileNameWithoutExtension(safe)) ? "_" + safe : safe;
    }
}
