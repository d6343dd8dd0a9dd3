using System.Text.Json.Nodes;
using Declarative.Runtime.LLama;
using Declarative.Runtime.OpenAI;
using Declarative.Testing;
using LLama.Exceptions;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary>
/// Turns an <c>--lm</c> value into a chat client: <c>scripted:FILE.jsonl</c> (offline answers: rule lines <c>{"when": TEXT, "answer": {...}}</c>, <c>{"follow_examples": true}</c>, then a queue of lines of one JSON object of output
/// values per line, or <c>{"raw": "text"}</c>); <c>llama:PATH.gguf</c>, <c>llama:https://…/x.gguf</c> or
/// <c>llama:hf:owner/repo/x.gguf</c> (a local GGUF model, downloaded into the cache first when remote, with settings
/// such as <c>?ctx=8192&amp;ngl=0</c>; see <see cref="LlamaSpec"/>); <c>openai:MODEL</c> (key from <c>OPENAI_API_KEY</c>) and
/// <c>openai-compatible:URL#MODEL</c> (see <see cref="OpenAiModels.ParseSpec"/>). Bad specs and missing or corrupt model files are <see cref="CliException"/>s.
/// </summary>
internal static class LmSpec
{
    public static async Task<IChatClient> CreateAsync(string spec, Adapter adapter, TextWriter stderr, ModelDownloader? downloader = null, CancellationToken cancellationToken = default)
    {
        var colon = spec.IndexOf(':');
        var scheme = colon < 0 ? spec : spec[..colon];
        var rest = colon < 0 ? string.Empty : spec[(colon + 1)..];
        return scheme switch
        {
            "scripted" => Scripted(rest, adapter),
            "llama" => await LlamaAsync(spec, stderr, downloader ?? new ModelDownloader(), cancellationToken).ConfigureAwait(false),
            "openai" or "openai-compatible" => OpenAi(spec),
            _ => throw new CliException(
                $"--lm '{spec}' is not a known model spec; use openai:MODEL, openai-compatible:URL#MODEL, llama:PATH.gguf or scripted:FILE.jsonl."),
        };
    }

    private static async Task<IChatClient> LlamaAsync(string spec, TextWriter stderr, ModelDownloader downloader, CancellationToken cancellationToken)
    {
        LlamaSpec parsed;
        try
        {
            parsed = LlamaSpec.Parse(spec);
        }
        catch (FormatException ex)
        {
            throw new CliException("--lm " + ex.Message);
        }

        var progress = parsed.Source.Kind == ModelSourceKind.Url && !File.Exists(downloader.GetCachePath(parsed.Source))
            ? new DownloadProgressWriter(stderr, parsed.Source.FileName, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected)
            : null;
        try
        {
            return await parsed.LoadChatClientAsync(downloader, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw new CliException($"--lm {parsed.Spec}: the file ends before its GGUF header does: it is truncated or not a model. Download it again (a '#sha256=' pin verifies it).");
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or ModelDownloadException)
        {
            throw new CliException($"--lm {parsed.Spec}: {ex.Message}");
        }
        catch (Exception ex) when (ex is RuntimeError or TypeInitializationException or DllNotFoundException)
        {
            throw new CliException(
                $"--lm {parsed.Spec}: llama.cpp's native library could not be loaded ({(ex.InnerException ?? ex).Message}); the tool needs a LLamaSharp backend package (LLamaSharp.Backend.Cpu, or .Cuda12 with the CUDA 12 runtime) beside it.");
        }
        finally
        {
            progress?.Finish();
        }
    }
    private static IChatClient OpenAi(string spec)
    {
        try
        {
            return OpenAiModels.CreateChatClient(spec);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException)
        {
            throw new CliException("--lm " + ex.Message);
        }
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
            if (answer.Count == 1 && answer["follow_examples"] is JsonValue follow && follow.TryGetValue<bool>(out var on))
            {
                if (on)
                {
                    client.FollowExamples();
                }
            }
            else if (answer.Count == 2 && answer["when"] is JsonValue when && when.TryGetValue<string>(out var substring) && answer["answer"] is JsonObject outputs)
            {
                if (substring.Length == 0)
                {
                    throw new CliException($"--lm scripted:{path}: a \"when\" rule needs a non-empty text to look for.");
                }

                client.When(substring, outputs.ToDictionary(p => p.Key, p => (object?)p.Value));
            }
            else if (answer.Count == 1 && answer["raw"] is JsonValue raw && raw.TryGetValue<string>(out var text))
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
