using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Declarative.Pipeline;

/// <summary>
/// The default classification of provider errors used by <see cref="ResilienceOptions"/>: retry 408, 429, 5xx,
/// connection resets and timeouts; surface everything else (400, 401, 403, 404, bugs). Inner exceptions are searched, so
/// an SDK exception wrapping an <see cref="HttpRequestException"/> is classified by the latter.
/// </summary>
/// <remarks>
/// An <see cref="HttpRequestException"/> carries no headers; a backend that wants its <c>Retry-After</c> honoured puts
/// the header value (a string: seconds or an HTTP date) or a <see cref="TimeSpan"/> in
/// <c>exception.Data[<see cref="RetryAfterDataKey"/>]</c>. For the OpenAI SDK's <c>ClientResultException</c>, pass a
/// classifier that reads its <c>Status</c> and <c>GetRawResponse()</c> headers (see the README).
/// </remarks>
public static class TransientFaults
{
    /// <summary>The key in <see cref="Exception.Data"/> under which a <c>Retry-After</c> value is looked for.</summary>
    public const string RetryAfterDataKey = "Retry-After";

    /// <summary>
    /// The key of <c>exception.Data</c> under which a backend's exception may carry the HTTP status it came from (an
    /// <see cref="int"/>), when it is not an <see cref="HttpRequestException"/>: the OpenAI backend's errors do.
    /// </summary>
    public const string StatusDataKey = "declarative.http.status";

    /// <summary>Classifies <paramref name="exception"/>; <see langword="null"/> when nothing in it is recognised (surfaced).</summary>
    /// <param name="exception">The error of the attempt.</param>
    /// <param name="now">The current time, to turn an HTTP-date <c>Retry-After</c> into a wait.</param>
    /// <returns>The decision, or <see langword="null"/>.</returns>
    public static RetryDecision? Classify(Exception exception, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.Data[StatusDataKey] is int carried)
            {
                return ByStatus(carried, ParseRetryAfter(e.Data[RetryAfterDataKey], now));
            }

            switch (e)
            {
                case System.Text.Json.JsonException:
                    // A reply body that is not the JSON it should be (cut short, garbled) from the backend.
                    return RetryDecision.Retry("invalid-response");
                case HttpRequestException { StatusCode: { } status } http:
                    return ByStatus((int)status, ParseRetryAfter(http.Data[RetryAfterDataKey], now));
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded }:
                    return RetryDecision.Retry("connection-reset");
                case SocketException or IOException:
                    return RetryDecision.Retry("connection-reset");
                case TimeoutException:
                    return RetryDecision.Retry("timeout");
                case OperationCanceledException when e.InnerException is not TimeoutException:
                    return null; // caller cancellation (the per-attempt timeout is recognised before the classifier)
            }
        }

        return null;
    }

    /// <summary>The decision for an HTTP status code: retry 408, 429 and 5xx, surface the rest.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="retryAfter">The provider's <c>Retry-After</c>, if any.</param>
    /// <returns>The decision.</returns>
    public static RetryDecision ByStatus(int status, TimeSpan? retryAfter = null)
    {
        var reason = status.ToString(CultureInfo.InvariantCulture);
        return status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 and <= 599
            ? RetryDecision.Retry(reason, retryAfter)
            : RetryDecision.DoNotRetry(reason);
    }

    /// <summary>Reads a <c>Retry-After</c> value: delta seconds, an HTTP date, or a <see cref="TimeSpan"/>.</summary>
    /// <param name="value">The header value (a string) or a <see cref="TimeSpan"/>; anything else gives <see langword="null"/>.</param>
    /// <param name="now">The current time, for an HTTP date.</param>
    /// <returns>The wait (never negative), or <see langword="null"/> when absent or unreadable.</returns>
    public static TimeSpan? ParseRetryAfter(object? value, DateTimeOffset now)
    {
        switch (value)
        {
            case TimeSpan span:
                return span < TimeSpan.Zero ? TimeSpan.Zero : span;
            case string text:
                text = text.Trim();
                if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
                {
                    return TimeSpan.FromSeconds(seconds);
                }

                if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                {
                    var wait = date - now;
                    return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
                }

                return null;
            default:
                return null;
        }
    }
}
