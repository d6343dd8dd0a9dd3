using Microsoft.Extensions.AI;

namespace Declarative.Tracing;

/// <summary>One predictor call as the trace records it.</summary>
/// <param name="Predictor">The predictor's name.</param>
/// <param name="Signature">The signature it ran.</param>
/// <param name="Inputs">The input values.</param>
/// <param name="Outputs">The parsed output values.</param>
/// <param name="Adapter">The adapter whose parse succeeded.</param>
/// <param name="FallbackFrom">The adapter that failed first when a fallback was used, otherwise <see langword="null"/>.</param>
/// <param name="Usage">Token usage of the call, when the client reported it.</param>
/// <param name="RawCompletion">The completion text that was parsed.</param>
public sealed record TraceEntry(
    string Predictor,
    Signature Signature,
    IReadOnlyDictionary<string, object?> Inputs,
    IReadOnlyDictionary<string, object?> Outputs,
    string Adapter,
    string? FallbackFrom,
    UsageDetails? Usage,
    string RawCompletion);
