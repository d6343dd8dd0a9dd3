using System.Text.Json.Nodes;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary>
/// Turns an <c>--lm</c> value into a chat client: <c>scripted:FILE.jsonl</c> (offline answers, one JSON object of output
/// values per line, or <c>{"raw": "text"}</c>), and, as their backends land, <c>openai:MODEL</c>,
/// <c>openai-compatible:URL#MODEL</c> and <c>llama:PATH.gguf</c>.
/// </summary>
internal static class LmSpec
{
    public static IChatClient Create(string spec, Adapter adapter)
    {
        var colon = spec.IndexOf(':');
        var scheme = colon < 0 ? spec : spec[..colon];
        var rest = colon < 0 ? string.Empty : spec[(colon + 1)..];
        return scheme switch
        {
            "scripted" => Scripted(rest, adapter),
            "openai" or "openai-compatible" => throw new CliException(
                $"--lm {scheme}: is not available in this build yet: the OpenAI backend (Declarative.Runtime.OpenAI) has not landed; use scripted:FILE.jsonl to run offline."),
            "llama" => throw new CliException(
                "--lm llama: is not available in this build yet: the local GGUF backend (Declarative.Runtime.LLama) has not landed; use scripted:FILE.jsonl to run offline."),
            _ => throw new CliException(
                $"--lm '{spec}' is not a known model spec; use openai:MODEL, openai-compatible:URL#MODEL, llama:PATH.gguf or scripted:FILE.jsonl."),
        };
    }

    private static ScriptedChatClient Scripted(string path, Adapter adapter)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"--lm scripted:{path}: the file does not exist; give a JSONL file with one answer object per line.");
        }

        var client = new ScriptedChatClient(adapter);
        foreach (var answer in CommonOptions.ReadJsonLines(path, string.Empty, "output values"))
        {
            if (answer.Count == 1 && answer["raw"] is JsonValue raw && raw.TryGetValue<string>(out var text))
            {
                client.AnswerRaw(text);
            }
            else
            {
                client.Answer(answer.ToDictionary(p => p.Key, p => (object?)p.Value));
            }
        }

        return client;
    }
}
