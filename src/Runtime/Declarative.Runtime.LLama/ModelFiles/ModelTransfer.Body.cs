using System.Buffers;

namespace Declarative.Runtime.LLama;

internal sealed partial class ModelTransfer
{
    private async Task CopyBodyAsync(HttpResponseMessage response, FileStream file, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                while (true)
                {
                    var read = await ReadAsync(body, buffer, stall, linked.Token, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    hash.AppendData(buffer, 0, read);
                    receivedThisAttempt += read;
                    progress.Report(file.Length, totalBytes);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task<int> ReadAsync(Stream body, byte[] buffer, CancellationTokenSource stall, CancellationToken linked, CancellationToken cancellationToken)
    {
        stall.CancelAfter(options.StallTimeout);
        try
        {
            return await body.ReadAsync(buffer, linked).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InterruptedTransferException($"no byte arrived for {options.StallTimeout.TotalSeconds:0.#} s", e);
        }
        catch (IOException e)
        {
            throw new InterruptedTransferException($"the connection dropped ({e.Message})", e);
        }
    }

    private async Task HashPrefixAsync(FileStream file, CancellationToken cancellationToken)
    {
        file.Position = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await file.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
