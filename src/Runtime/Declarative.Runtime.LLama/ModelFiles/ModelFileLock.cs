namespace Declarative.Runtime.LLama;

/// <summary>
/// An exclusive lock on a cached file, held as an open <c>&lt;file&gt;.lock</c> with <see cref="FileShare.None"/>, so
/// that two downloads of the same file (in this process or another) take turns. The lock file is left in place:
/// deleting it while another process waits on it would let two holders in.
/// </summary>
internal sealed class ModelFileLock : IDisposable
{
    private readonly FileStream stream;

    private ModelFileLock(FileStream stream) => this.stream = stream;

    /// <summary>Waits until the lock is free, polling every <paramref name="pollDelay"/>, and takes it.</summary>
    public static async Task<ModelFileLock> AcquireAsync(string lockPath, TimeSpan pollDelay, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new ModelFileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1));
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
            {
                // Held by another download: wait for it.
            }

            await Task.Delay(pollDelay, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => stream.Dispose();
}
