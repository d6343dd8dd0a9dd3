using System.Text;
using System.Text.Json;
using Declarative.Decoding;
using Declarative.Grammars;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama;

/// <summary>One request resolved against the model and the client's defaults: prompt text, grammar and sampling settings.</summary>
internal sealed record LlamaRequest(
    string Prompt,
    TokenGrammar? Grammar,
    float Temperature,
    float? TopP,
    int? TopK,
    uint Seed,
    int MaxTokens,
    IReadOnlyList<string> StopSequences,
    bool FastForward,
    bool ReusePrefix,
    bool CompleteWithinLimit,
    int DraftTokens,
    int DraftNgram)
{
    public static LlamaRequest From(LlamaModel model, IEnumerable<ChatMessage> messages, ChatOptions? options, LlamaChatOptions defaults)
    {
        var prompt = ChatPrompt.Format(model, messages, defaults.FallbackTemplate);
        var maxTokens = options?.MaxOutputTokens ?? defaults.MaxOutputTokens;
        if (maxTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxTokens, "MaxOutputTokens must be at least 1.");
        }

        var temperature = options?.Temperature ?? defaults.Temperature;
        if (temperature < 0 || float.IsNaN(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(options), temperature, "The temperature cannot be negative.");
        }

        if (options?.TopP is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TopP, "TopP must be between 0 and 1.");
        }

        return new LlamaRequest(
            prompt,
            GrammarOf(model, options),
            temperature,
            options?.TopP,
            options?.TopK,
            SeedOf(options),
            maxTokens,
            options?.StopSequences?.Where(s => s.Length > 0).ToArray() ?? [],
            defaults.FastForward,
            defaults.ReusePrefix,
            defaults.CompleteWithinLimit,
            defaults.Speculation == LlamaSpeculation.None ? 0 : defaults.DraftTokens,
            defaults.DraftNgram);
    }

    /// <summary>The adapter's grammar, else the response format's JSON schema, else none.</summary>
    private static TokenGrammar? GrammarOf(LlamaModel model, ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(OptionKeys.Grammar, out var value) == true && value is not null)
        {
            switch (value)
            {
                case OutputGrammar output:
                    return output.TryGetGrammar(out var built, out var error)
                        ? model.Bind(built!)
                        : throw new GrammarException($"The reply grammar of signature '{output.Signature}' could not be built: {error} Relax that constraint, or send the request without '{OptionKeys.Grammar}' to decode unconstrained.");
                case Grammar grammar:
                    return model.Bind(grammar);
                default:
                    throw new ArgumentException($"'{OptionKeys.Grammar}' holds a {value.GetType().Name}; it takes an OutputGrammar or a Grammar.", nameof(options));
            }
        }

        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            return model.BindSchema(json.Schema is { } schema ? schema.GetRawText() : "{\"type\":\"object\"}");
        }

        return null;
    }

    /// <summary>
    /// The sampler's seed: the request's, mixed with the rollout id and completion index, so that the completions of
    /// one call and the rollouts of an optimizer differ while a repeated request repeats exactly.
    /// </summary>
    private static uint SeedOf(ChatOptions? options)
    {
        var hash = 2166136261u;
        void Mix(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                hash = (hash ^ b) * 16777619u;
            }
        }

        Mix(BitConverter.GetBytes(options?.Seed ?? 0L));
        if (options?.AdditionalProperties is { } extra)
        {
            if (extra.TryGetValue(OptionKeys.RolloutId, out var rollout) && rollout is not null)
            {
                Mix(Encoding.UTF8.GetBytes(rollout.ToString() ?? string.Empty));
            }

            if (extra.TryGetValue(OptionKeys.CompletionIndex, out var index) && index is not null)
            {
                Mix(BitConverter.GetBytes(Convert.ToInt64(index, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        return hash;
    }
}
