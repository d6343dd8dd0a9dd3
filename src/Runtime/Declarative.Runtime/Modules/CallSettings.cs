namespace Declarative;

/// <summary>Settings of one module call; unset values are left to the client's defaults.</summary>
public sealed record CallSettings
{
    /// <summary>Sampling temperature.</summary>
    public float? Temperature { get; init; }

    /// <summary>The most tokens to generate.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Nucleus sampling probability mass.</summary>
    public float? TopP { get; init; }

    /// <summary>Seed for sampling, where the backend supports one.</summary>
    public long? Seed { get; init; }

    /// <summary>How many completions to produce (default 1); each is a separate, separately cached call.</summary>
    public int N { get; init; } = 1;

    /// <summary>
    /// A rollout id: calls that differ only in rollout id are cached apart, so optimizers get fresh samples of the
    /// same prompt while reruns stay deterministic.
    /// </summary>
    public string? RolloutId { get; init; }

    /// <summary>The model id to ask for, where the client serves several.</summary>
    public string? ModelId { get; init; }

    /// <summary>
    /// More input fields whose values are untrusted in these calls (default none), besides the inputs the signature
    /// declares <see cref="Field.Untrusted"/>: both are sent under <see cref="OptionKeys.UntrustedFields"/>, where the
    /// guard middleware spotlights them. A name the call's signature lacks is sent too and matches nothing there (one
    /// context's defaults serve predictors of different signatures); <c>*</c> means every input.
    /// </summary>
    public IReadOnlyList<string>? UntrustedFields { get; init; }

    /// <summary>Input fields holding sections the runtime formatted, sent under <see cref="OptionKeys.StructuredFields"/> (set by ReAct).</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<string>>? StructuredFields { get; init; }

    /// <summary>
    /// Settings from <paramref name="overrides"/> where set, otherwise from this; <see cref="UntrustedFields"/> are
    /// united, so a more specific setting never drops a name.
    /// </summary>
    /// <param name="overrides">The more specific settings, or <see langword="null"/>.</param>
    /// <returns>The merged settings.</returns>
    public CallSettings Merge(CallSettings? overrides) => overrides is null ? this : new CallSettings
    {
        Temperature = overrides.Temperature ?? Temperature,
        MaxTokens = overrides.MaxTokens ?? MaxTokens,
        TopP = overrides.TopP ?? TopP,
        Seed = overrides.Seed ?? Seed,
        N = overrides.N != 1 ? overrides.N : N,
        RolloutId = overrides.RolloutId ?? RolloutId,
        ModelId = overrides.ModelId ?? ModelId,
        UntrustedFields = Unite(UntrustedFields, overrides.UntrustedFields),
        StructuredFields = overrides.StructuredFields ?? StructuredFields,
    };

    private static IReadOnlyList<string>? Unite(IReadOnlyList<string>? first, IReadOnlyList<string>? second) =>
        first is null || second is null ? first ?? second : [.. first.Union(second, StringComparer.Ordinal)];
}
