using System.Globalization;
using Declarative.Runtime.LLama;

namespace Declarative.Cli;

/// <summary>
/// Shows a model download on standard error: on a terminal, one line redrawn in place; otherwise a line at each tenth
/// of the file (or each 100 MiB when the size is unknown), so logs stay short.
/// </summary>
internal sealed class DownloadProgressWriter(TextWriter stderr, string fileName, bool interactive) : IProgress<ModelDownloadProgress>
{
    private const long UnknownSizeStep = 100L << 20;
    private readonly Lock gate = new();
    private long lastStep = -1;
    private bool open;
    private bool finished;

    public void Report(ModelDownloadProgress value)
    {
        lock (gate)
        {
            if (finished)
            {
                return;
            }

            var complete = value.TotalBytes is { } total && value.BytesReceived >= total;
            if (interactive)
            {
                stderr.Write("\r" + Describe(value) + "   ");
                open = true;
            }
            else
            {
                var step = value.Fraction is { } fraction ? (long)(fraction * 10) : value.BytesReceived / UnknownSizeStep;
                if (step != lastStep || complete)
                {
                    stderr.WriteLine(Describe(value));
                    lastStep = step;
                }
            }

            if (complete)
            {
                End();
            }
        }
    }

    /// <summary>Ends the line after the download (also when the last report did not know the size).</summary>
    public void Finish()
    {
        lock (gate)
        {
            End();
        }
    }

    private void End()
    {
        if (open)
        {
            stderr.WriteLine();
            open = false;
        }

        finished = true;
    }

    private string Describe(ModelDownloadProgress value) => value.TotalBytes is { } total and > 0
        ? string.Create(CultureInfo.InvariantCulture, $"downloading {fileName}: {100.0 * value.BytesReceived / total,5:0.0}% ({Size(value.BytesReceived)} of {Size(total)})")
        : string.Create(CultureInfo.InvariantCulture, $"downloading {fileName}: {Size(value.BytesReceived)}");

    private static string Size(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.00} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB");
}
