namespace Declarative.Testing;

/// <summary>
/// Settings of an <see cref="OpenAiTestServer"/>: authentication, the models it serves, latency and the rates of injected
/// faults. Faults are drawn from a <see cref="Random"/> seeded with <see cref="Seed"/>, one draw per request in arrival
/// order, so a run with the same seed and the same order of requests meets the same faults. Validated once, when the
/// server is built.
/// </summary>
public sealed class OpenAiTestServerOptions
{
    /// <summary>The seed of the fault and latency draws (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>When set, requests must carry <c>Authorization: Bearer KEY</c>, or get a 401 <c>invalid_api_key</c> error (default none).</summary>
    public string? ApiKey { get; init; }

    /// <summary>The models listed by <c>GET /v1/models</c>; a request for another model gets a 404 <c>model_not_found</c> (default <c>test-model</c>).</summary>
    public IReadOnlyList<string> Models { get; init; } = ["test-model"];

    /// <summary>Whether a model not in <see cref="Models"/> is served anyway (default <see langword="false"/>).</summary>
    public bool AcceptAnyModel { get; init; }

    /// <summary>The delay before each response (default none); with <see cref="MaxLatency"/>, the lower end of a uniform range.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>When set, latency is drawn uniformly between <see cref="Latency"/> and this (default none: fixed latency).</summary>
    public TimeSpan? MaxLatency { get; init; }

    /// <summary>The share of requests answered with <see cref="OpenAiFault.RateLimited"/> (0 to 1, default 0).</summary>
    public double RateLimitRate { get; init; }

    /// <summary>The <c>Retry-After</c> value of a 429, in seconds (default 1).</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>The share of requests answered with <see cref="OpenAiFault.ServerError"/> (default 0).</summary>
    public double ServerErrorRate { get; init; }

    /// <summary>The share of requests answered with <see cref="OpenAiFault.ServiceUnavailable"/> (default 0).</summary>
    public double ServiceUnavailableRate { get; init; }

    /// <summary>The share of requests answered with <see cref="OpenAiFault.ConnectionReset"/> (default 0).</summary>
    public double ConnectionResetRate { get; init; }

    /// <summary>The share of requests answered with <see cref="OpenAiFault.Hang"/> (default 0).</summary>
    public double HangRate { get; init; }

    /// <summary>How long a hanging request is held before the connection is dropped (default 2 minutes).</summary>
    public TimeSpan HangTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The share of requests answered with <see cref="OpenAiFault.TruncatedJson"/> (default 0).</summary>
    public double TruncatedJsonRate { get; init; }

    /// <summary>The share of requests answered with <see cref="OpenAiFault.InvalidJson"/> (default 0).</summary>
    public double InvalidJsonRate { get; init; }

    /// <summary>
    /// The share of chat requests answered with <see cref="OpenAiFault.SchemaViolation"/> (default 0); a request with a
    /// <c>json_schema</c> response format (which a server decodes under) is drawn as one without the fault.
    /// </summary>
    public double SchemaViolationRate { get; init; }

    /// <summary>The content of a <see cref="OpenAiFault.SchemaViolation"/> reply (default a sentence with no fields).</summary>
    public string SchemaViolationContent { get; init; } = "I am sorry, I cannot answer in that format.";

    /// <summary>How many characters of content each streamed chunk carries at most (default 16).</summary>
    public int StreamChunkCharacters { get; init; } = 16;

    /// <summary>The pause between streamed chunks (default none), to test cancellation mid-stream.</summary>
    public TimeSpan StreamChunkDelay { get; init; }

    /// <summary>The length of the vectors <c>POST /v1/embeddings</c> returns (default 8).</summary>
    public int EmbeddingDimensions { get; init; } = 8;

    internal IReadOnlyList<(OpenAiFault Fault, double Rate)> Rates =>
    [
        (OpenAiFault.RateLimited, RateLimitRate),
        (OpenAiFault.ServerError, ServerErrorRate),
        (OpenAiFault.ServiceUnavailable, ServiceUnavailableRate),
        (OpenAiFault.ConnectionReset, ConnectionResetRate),
        (OpenAiFault.Hang, HangRate),
        (OpenAiFault.TruncatedJson, TruncatedJsonRate),
        (OpenAiFault.InvalidJson, InvalidJsonRate),
        (OpenAiFault.SchemaViolation, SchemaViolationRate), // last: where it may not be drawn, its share is no fault
    ];

    internal void Validate()
    {
        foreach (var (fault, rate) in Rates)
        {
            if (!(rate is >= 0 and <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(OpenAiTestServerOptions), rate, $"The rate of {fault} must be between 0 and 1.");
            }
        }

        if (Rates.Sum(r => r.Rate) > 1 + 1e-9)
        {
            throw new ArgumentException("The fault rates of OpenAiTestServerOptions add up to more than 1; lower some of them.", nameof(OpenAiTestServerOptions));
        }

        if (Latency < TimeSpan.Zero || (MaxLatency is { } max && max < Latency))
        {
            throw new ArgumentOutOfRangeException(nameof(OpenAiTestServerOptions), "Latency must not be negative, and MaxLatency (when set) must not be below Latency.");
        }

        if (RetryAfterSeconds < 0 || HangTimeout <= TimeSpan.Zero || EmbeddingDimensions < 1 || StreamChunkCharacters < 1 || StreamChunkDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(OpenAiTestServerOptions), "RetryAfterSeconds must not be negative, HangTimeout must be positive, EmbeddingDimensions and StreamChunkCharacters at least 1, StreamChunkDelay not negative.");
        }

        if (Models is null || Models.Count == 0)
        {
            throw new ArgumentException("OpenAiTestServerOptions.Models must list at least one model.", nameof(OpenAiTestServerOptions));
        }
    }
}
