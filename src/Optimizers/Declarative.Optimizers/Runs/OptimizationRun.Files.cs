using System.Security.Cryptography;
using System.Text;

namespace Declarative.Optimizers;

/// <summary>Resumable runs: a journal in a file.</summary>
public sealed partial class OptimizationRun
{
    /// <summary>The journal's file name when <c>OpenAsync</c> is given a folder.</summary>
    public const string JournalFileName = "journal.jsonl";

    /// <summary>
    /// Opens a run whose steps and candidates are journaled in a file (append-only JSON lines, each flushed to disk
    /// before the step or candidate call returns), so that a run killed at any point can resume with
    /// <paramref name="resume"/> and replays what finished.
    /// </summary>
    /// <param name="path">The journal file, or a folder (existing, or ending with a separator) to hold <see cref="JournalFileName"/>; created when missing.</param>
    /// <param name="fingerprint">
    /// What identifies the run: the same text for the same optimizer, options, seed, datasets and program (see
    /// <see cref="ComputeFingerprint"/>). A journal written with another fingerprint is refused.
    /// </param>
    /// <param name="resume">
    /// <see langword="true"/> to continue the journal when it exists (and start one when it does not);
    /// <see langword="false"/> to start a new run, which fails when a journal exists (delete it first to overwrite).
    /// </param>
    /// <param name="progress">Receives an event after each step and candidate; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The run, holding what the journal recorded.</returns>
    /// <exception cref="OptimizationJournalException">
    /// The journal exists and <paramref name="resume"/> is false, its fingerprint differs, or a line other than a
    /// torn last one is not a journal record.
    /// </exception>
    public static async Task<OptimizationRun> OpenAsync(
        string path,
        string fingerprint,
        bool resume,
        IProgress<OptimizationEvent>? progress,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprint);
        if (Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
        {
            path = Path.Combine(path, JournalFileName);
        }

        var journal = await FileJournal.OpenAsync(Path.GetFullPath(path), fingerprint, resume, cancellationToken).ConfigureAwait(false);
        return new OptimizationRun(journal, progress);
    }

    /// <summary>
    /// A fingerprint for <see cref="OpenAsync"/>: the SHA-256 (lower-case hex) of the parts, each length-prefixed so
    /// that no two different lists give the same text. Pass the optimizer's name, its options, the seed, the datasets'
    /// contents and the program's signatures.
    /// </summary>
    /// <param name="parts">What identifies the run, in a fixed order.</param>
    /// <returns>64 hex digits.</returns>
    public static string ComputeFingerprint(IEnumerable<string> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part ?? string.Empty);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The journal file of a run opened with <see cref="OpenAsync"/>; <see langword="null"/> for an in-memory run.</summary>
    public string? JournalPath => (journal as FileJournal)?.Path;
}
