namespace Declarative.Runtime.LLama;

/// <summary>
/// How far a download has come, reported by <see cref="ModelDownloader.EnsureAsync"/> at most every 100 ms and once
/// when the file is complete.
/// </summary>
/// <param name="BytesReceived">
/// The bytes of the file on disk so far: a resumed download starts from the bytes kept from before, and the count goes
/// back to 0 when the server makes the download start over.
/// </param>
/// <param name="TotalBytes">The file's size, or <see langword="null"/> when the server did not say.</param>
public readonly record struct ModelDownloadProgress(long BytesReceived, long? TotalBytes)
{
    /// <summary>The part done, from 0 to 1, or <see langword="null"/> when the size is unknown.</summary>
    public double? Fraction => TotalBytes is > 0 and var total ? (double)BytesReceived / total : null;
}
