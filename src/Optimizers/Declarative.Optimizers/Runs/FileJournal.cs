using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative.Optimizers;

/// <summary>
/// A journal in an append-only JSON-lines file: a header line with the format and the run's fingerprint, then one line
/// per finished step and per scored candidate. Each record is appended and flushed to disk (fsync) before the call
/// returns, so a record is either wholly on disk or, when the process dies mid-write, a torn last line without its
/// newline; opening drops such a torn last line (truncating the file to the last complete record) and refuses any
/// other line that is not a record.
/// </summary>
internal sealed class FileJournal : IOptimizationJournal
{
    private const int Format = 1;
    private readonly SemaphoreSlim gate = new(1, 1);

    private FileJournal(string path, List<KeyValuePair<string, JsonNode?>> steps, List<OptimizationCandidate> candidates)
    {
        Path = path;
        Steps = steps;
        Candidates = candidates;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Steps { get; }

    /// <inheritdoc />
    public IReadOnlyList<OptimizationCandidate> Candidates { get; }

    /// <summary>Opens or creates the journal; see <see cref="OptimizationRun.OpenAsync"/> for the rules.</summary>
    public static async Task<FileJournal> OpenAsync(string path, string fingerprint, bool resume, CancellationToken cancellationToken)
    {
        var steps = new List<KeyValuePair<string, JsonNode?>>();
        var candidates = new List<OptimizationCandidate>();
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            if (!resume)
            {
                throw new OptimizationJournalException(path, $"The run journal '{path}' already exists. Resume it (optimize --resume), or delete it (or the run folder) to start over.");
            }

            await ReadAsync(path, fingerprint, steps, candidates, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            var header = new JsonObject { ["kind"] = "header", ["format"] = Format, ["fingerprint"] = fingerprint };
            await AppendLineAsync(path, header, FileMode.Create, cancellationToken).ConfigureAwait(false);
        }

        return new FileJournal(path, steps, candidates);
    }

    /// <inheritdoc />
    public Task AppendStepAsync(string key, JsonNode? result, CancellationToken cancellationToken) =>
        AppendAsync(new JsonObject { ["kind"] = "step", ["key"] = key, ["result"] = result?.DeepClone() }, cancellationToken);

    /// <inheritdoc />
    public Task AppendCandidateAsync(OptimizationCandidate candidate, CancellationToken cancellationToken) =>
        AppendAsync(CandidateJson.Write(candidate), cancellationToken);

    private async Task AppendAsync(JsonObject record, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await AppendLineAsync(Path, record, FileMode.Append, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task AppendLineAsync(string path, JsonObject record, FileMode mode, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(record.ToJsonString() + "\n");
        await using var stream = new FileStream(path, mode, FileAccess.Write, FileShare.Read, 4096, FileOptions.None);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
    }

    private static async Task ReadAsync(string path, string fingerprint, List<KeyValuePair<string, JsonNode?>> steps, List<OptimizationCandidate> candidates, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (end < bytes.Length)
        {
            // A torn last record (the process died while appending it): drop it, so the next append starts a clean line.
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
            stream.SetLength(end);
            stream.Flush(flushToDisk: true);
        }

        var lines = Encoding.UTF8.GetString(bytes, 0, end).Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var record = Parse(path, lines[i], i + 1);
            var kind = record["kind"]?.GetValue<string>();
            if (i == 0)
            {
                Header(path, record, fingerprint);
                continue;
            }

            try
            {
                switch (kind)
                {
                    case "step":
                        steps.Add(new(record["key"]!.GetValue<string>(), record["result"]?.DeepClone()));
                        break;
                    case "candidate":
                        candidates.Add(CandidateJson.Read(record));
                        break;
                    default:
                        throw new FormatException($"unknown record kind '{kind}'");
                }
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or NullReferenceException or ProgramStateException)
            {
                throw Corrupt(path, i + 1, ex);
            }
        }
    }

    private static void Header(string path, JsonObject record, string fingerprint)
    {
        if (record["kind"]?.GetValue<string>() != "header" || record["format"]?.GetValue<int>() is not { } format)
        {
            throw new OptimizationJournalException(path, $"'{path}' does not start with a run journal header; it is not a journal. Point --run-dir elsewhere or delete the file.");
        }

        if (format > Format)
        {
            throw new OptimizationJournalException(path, string.Create(CultureInfo.InvariantCulture, $"The run journal '{path}' has format {format}, newer than this library's {Format}; upgrade Declarative to resume it."));
        }

        var recorded = record["fingerprint"]?.GetValue<string>();
        if (!string.Equals(recorded, fingerprint, StringComparison.Ordinal))
        {
            throw new OptimizationJournalException(path,
                $"The run journal '{path}' was written by a different run (fingerprint {recorded}, this run {fingerprint}): the optimizer, its options, the seed, the datasets or the program changed. Resume with the original settings, or delete the journal (or use another --run-dir) to start a new run.");
        }
    }

    private static JsonObject Parse(string path, string line, int number)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject ?? throw new FormatException("the line is not a JSON object");
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw Corrupt(path, number, ex);
        }
    }

    private static OptimizationJournalException Corrupt(string path, int line, Exception ex) =>
        new(path, string.Create(CultureInfo.InvariantCulture, $"The run journal '{path}' is corrupt at line {line} ({ex.Message}); only a torn last line is repaired. Delete the journal to start over."), ex);
}
