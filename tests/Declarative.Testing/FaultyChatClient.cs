using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Declarative.Testing;

/// <summary>
/// Wraps an <see cref="IChatClient"/> (typically a <see cref="ScriptedChatClient"/>) and injects provider faults: the
/// queued ones first (<see cref="FailNext"/>), then at random with <see cref="FaultRate"/> from a seeded generator, so
/// a run is reproducible. Counts calls, faults and the most calls in flight at once. Thread-safe.
/// </summary>
/// <param name="inner">The client that answers when no fault is injected.</param>
/// <param name="faultRate">The probability (0–1) that a call without a queued fault fails.</param>
/// <param name="seed">The seed of the random faults.</param>
/// <param name="kinds">The kinds random faults are drawn from, uniformly; default the transient ones (not <see cref="FaultKind.BadRequest"/>).</param>
public sealed class FaultyChatClient(IChatClient inner, double faultRate = 0, int seed = 0, params FaultKind[] kinds) : IChatClient
{
    private readonly object gate = new();
    private readonly Random random = new(seed);
    private readonly Queue<FaultKind> queued = new();
    private readonly Dictionary<FaultKind, int> faults = [];
    private readonly FaultKind[] kinds = kinds.Length > 0 ? kinds : [FaultKind.TooManyRequests, FaultKind.ServerError, FaultKind.ServiceUnavailable, FaultKind.ConnectionReset, FaultKind.Hang];
    private int calls;
    private int inFlight;
    private int maxInFlight;
    private int midStreamFaults;
    private int pendingMidStreamFaults;

    /// <summary>The probability (0–1) that a call without a queued fault fails.</summary>
    public double FaultRate { get; } = faultRate is >= 0 and <= 1 ? faultRate : throw new ArgumentOutOfRangeException(nameof(faultRate));

    /// <summary>The <c>Retry-After</c> sent with 429 faults, in whole seconds; default 1 second.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A <c>Retry-After</c> header text (an HTTP date, say) sent with 429 faults instead of <see cref="RetryAfter"/>.</summary>
    public string? RetryAfterHeader { get; init; }

    /// <summary>Calls received (faulted or not).</summary>
    public int Calls => Volatile.Read(ref calls);

    /// <summary>The most calls in flight at once.</summary>
    public int MaxInFlight => Volatile.Read(ref maxInFlight);

    /// <summary>Faults injected so far (mid-stream ones included).</summary>
    public int Faults
    {
        get
        {
            lock (gate)
            {
                return faults.Values.Sum() + midStreamFaults;
            }
        }
    }

    /// <summary>Faults injected so far, by kind (mid-stream ones excluded).</summary>
    public IReadOnlyDictionary<FaultKind, int> FaultsByKind
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<FaultKind, int>(faults);
            }
        }
    }

    /// <summary>Fails the next calls with these faults, in order, before any random one.</summary>
    /// <param name="next">The faults.</param>
    /// <returns>This client.</returns>
    public FaultyChatClient FailNext(params FaultKind[] next)
    {
        lock (gate)
        {
            foreach (var kind in next)
            {
                queued.Enqueue(kind);
            }
        }

        return this;
    }

    /// <summary>Makes the next <paramref name="count"/> streams throw an <see cref="IOException"/> after their first update.</summary>
    /// <param name="count">How many streams.</param>
    /// <returns>This client.</returns>
    public FaultyChatClient FailStreamsAfterFirstUpdate(int count = 1)
    {
        lock (gate)
        {
            pendingMidStreamFaults += count;
        }

        return this;
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            await InjectAsync(cancellationToken).ConfigureAwait(false);
            return await inner.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            await InjectAsync(cancellationToken).ConfigureAwait(false);
            var first = true;
            await foreach (var update in inner.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                if (!first && TakeMidStreamFault())
                {
                    throw new IOException("Injected fault: the connection was reset in the middle of the stream.");
                }

                first = false;
                yield return update;
            }
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : inner.GetService(serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Enter()
    {
        Interlocked.Increment(ref calls);
        var now = Interlocked.Increment(ref inFlight);
        for (var max = Volatile.Read(ref maxInFlight); now > max && Interlocked.CompareExchange(ref maxInFlight, now, max) != max; max = Volatile.Read(ref maxInFlight))
        {
        }
    }

    private bool TakeMidStreamFault()
    {
        lock (gate)
        {
            if (pendingMidStreamFaults == 0)
            {
                return false;
            }

            pendingMidStreamFaults--;
            midStreamFaults++;
            return true;
        }
    }

    private async Task InjectAsync(CancellationToken cancellationToken)
    {
        FaultKind? fault;
        lock (gate)
        {
            fault = queued.Count > 0 ? queued.Dequeue()
                : FaultRate > 0 && random.NextDouble() < FaultRate ? kinds[random.Next(kinds.Length)]
                : null;
            if (fault is { } f)
            {
                faults[f] = faults.GetValueOrDefault(f) + 1;
            }
        }

        switch (fault)
        {
            case null:
                return;
            case FaultKind.Hang:
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                return;
            case FaultKind.ConnectionReset:
                throw new IOException("Injected fault: the connection was reset.", new SocketException((int)SocketError.ConnectionReset));
            case FaultKind.TooManyRequests:
                var e = new HttpRequestException("Injected fault: 429 Too Many Requests.", null, HttpStatusCode.TooManyRequests);
                e.Data["Retry-After"] = RetryAfterHeader ?? ((int)RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw e;
            default:
                var status = fault switch
                {
                    FaultKind.ServerError => HttpStatusCode.InternalServerError,
                    FaultKind.ServiceUnavailable => HttpStatusCode.ServiceUnavailable,
                    _ => HttpStatusCode.BadRequest,
                };
                throw new HttpRequestException($"Injected fault: {(int)status} {status}.", null, status);
        }
    }
}
