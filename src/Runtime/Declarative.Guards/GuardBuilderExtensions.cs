using Declarative.Guards;

namespace Microsoft.Extensions.AI;

/// <summary>Adds Declarative's guards to a <see cref="ChatClientBuilder"/>.</summary>
public static class GuardBuilderExtensions
{
    /// <summary>
    /// Guards every call: input limits and per-key rate limits, normalization and spotlighting of untrusted fields,
    /// injection detection, optional input redaction, then secret and PII detection on completions (streamed too), the
    /// tool policy (<see cref="GuardOptions.Tools"/>, on either side of <see cref="FunctionInvokingChatClient"/>) and
    /// the <see cref="GuardOptions.AdditionalGuards"/> (such as the SQL check). A <see cref="GuardOptions.Budget"/> is
    /// added just inside the guards. Decisions are recorded on the trace (<c>guard input</c> / <c>guard output</c> spans with one event per
    /// finding), in the <c>declarative.guard.*</c> metrics and in <see cref="GuardOptions.Log"/>.
    /// </summary>
    /// <remarks>
    /// Order matters. Added first (outermost), blocked requests never reach the cache, the budget or the backend, but
    /// middleware inside it (cache, history, telemetry) see the raw completion. Added last (innermost, next to the
    /// backend), everything outside it caches and traces redacted completions. For both, add it twice: outermost with
    /// the input guards, innermost with <see cref="GuardOptions.OutputAction"/> = Redact.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public static ChatClientBuilder UseGuards(this ChatClientBuilder builder, GuardOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        builder.Use(inner => new GuardChatClient(inner, options));
        return options.Budget is { } budget ? builder.UseBudget(budget) : builder;
    }
}
