using Declarative.Runtime.LLama;
using Declarative.Runtime.OpenAI;
using Microsoft.Extensions.AI;

namespace Declarative.Notebooks;

/// <summary>
/// Picks the model a notebook runs with: a real one when the environment names it, otherwise the offline stand-in the
/// notebook passes (a scripted client, the loopback server or a generated tiny model), so every notebook runs offline.
/// </summary>
public static class NotebookModel
{
    /// <summary>
    /// <c>DECLARATIVE_MODEL</c> (a spec such as <c>llama:PATH.gguf</c> or <c>openai:gpt-4o-mini</c>, as the
    /// <c>declarative</c> tool's <c>--lm</c>) wins; then <c>OPENAI_API_KEY</c> (model from <c>OPENAI_MODEL</c>, default
    /// gpt-4o-mini); otherwise <paramref name="offline"/>.
    /// </summary>
    /// <param name="offline">The client to use when no real model is configured.</param>
    /// <param name="cancellationToken">Cancels loading a local model.</param>
    /// <returns>The client and a sentence saying which model it is.</returns>
    public static async Task<(IChatClient Client, string Description)> ChooseAsync(IChatClient offline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offline);
        if (Environment.GetEnvironmentVariable("DECLARATIVE_MODEL") is { Length: > 0 } spec)
        {
            if (OpenAiModels.IsSpec(spec))
            {
                return (OpenAiModels.CreateChatClient(spec), $"{spec} (from DECLARATIVE_MODEL)");
            }

            var local = LlamaSpec.Parse(spec);
            return (await local.LoadChatClientAsync(cancellationToken: cancellationToken).ConfigureAwait(false), $"the local model {local.Source.FileName} (from DECLARATIVE_MODEL)");
        }

        if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 })
        {
            var model = Environment.GetEnvironmentVariable("OPENAI_MODEL") ?? "gpt-4o-mini";
            return (OpenAiModels.CreateChatClient($"openai:{model}"), $"OpenAI {model} (from OPENAI_API_KEY)");
        }

        return (offline, "the offline stand-in (set DECLARATIVE_MODEL or OPENAI_API_KEY for a real model)");
    }

    /// <summary>Whether a real model is configured (so a notebook can skip checks that only hold for its stand-in).</summary>
    public static bool IsReal =>
        Environment.GetEnvironmentVariable("DECLARATIVE_MODEL") is { Length: > 0 } || Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 };
}
