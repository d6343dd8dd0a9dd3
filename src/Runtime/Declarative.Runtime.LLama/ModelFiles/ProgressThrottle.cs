namespace Declarative.Runtime.LLama;

/// <summary>Passes download progress on at most every 100 ms, and always when told the download is complete.</summary>
internal sealed class ProgressThrottle(IProgress<ModelDownloadProgress>? progress, TimeProvider timeProvider)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private long lastReport;
    private bool reported;

    /// <summary>Reports unless a report went out less than 100 ms ago.</summary>
    public void Report(long bytesReceived, long? totalBytes)
    {
        if (progress is null)
        {
            return;
        }

        var now = timeProvider.GetTimestamp();
        if (reported && timeProvider.GetElapsedTime(lastReport, now) < Interval)
        {
            return;
        }

        lastReport = now;
        reported = true;
        progress.Report(new ModelDownloadProgress(bytesReceived, totalBytes));
    }

    /// <summary>Reports the complete file.</summary>
    public void Complete(long length) => progress?.Report(new ModelDownloadProgress(length, length));
}
