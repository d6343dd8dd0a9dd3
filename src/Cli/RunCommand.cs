using System.CommandLine;
using System.Text.Json.Nodes;
using Declarative.Pipeline;
using Declarative.Runtime.LLama;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary><c>declarative run</c>: runs a string signature once and prints the prediction as one JSON object.</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var signature = CommonOptions.Signature();
        var instructions = CommonOptions.Instructions();
        var adapter = CommonOptions.Adapter();
        var inputs = CommonOptions.Inputs();
        inputs.Required = true;
        var chainOfThought = CommonOptions.ChainOfThought();
        var lm = new Option<string>("--lm")
        {
            Description = "The model: llama:PATH.gguf, llama:https://…/x.gguf or llama:hf:owner/repo/x.gguf (with settings such as ?ctx=8192&ngl=0), "
                + "openai:MODEL, openai-compatible:URL#MODEL, or scripted:FILE.jsonl.",
            Required = true,
        };
        var temperature = new Option<float?>("--temperature", "-t") { Description = "Sampling temperature." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "The most tokens to generate." };
        var seed = new Option<long?>("--seed") { Description = "Sampling seed, where the backend supports one." };
        var rollout = new Option<string?>("--rollout-id") { Description = "A rollout id: a new one bypasses earlier cached answers." };
        var cache = ModelPipeline.Cache();
        var noCache = ModelPipeline.NoCache();
        var telemetry = ModelPipeline.Telemetry();
        var command = new Command("run", "Run a signature once and print the prediction as one JSON object (outputs, plus reasoning where present).")
        {
            signature, instructions, adapter, inputs, chainOfThought, lm, temperature, maxTokens, seed, rollout, cache, noCache, telemetry,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var sig = CommonOptions.ReadSignature(result.GetValue(signature)!, result.GetValue(instructions));
            var chosen = CommonOptions.ReadAdapter(result.GetValue(adapter)!);
            var values = CommonOptions.ReadInputs(result.GetValue(inputs), sig);
            using var session = TelemetrySession.Start(result.GetValue(telemetry), stderr);
            using var run = Declarative.Tracing.DeclarativeDiagnostics.StartProgram("run");
            var (built, store) = await ModelPipeline.BuildAsync(result.GetValue(lm)!, chosen, session is not null, result.GetValue(noCache), result.GetValue(cache), stderr, cancellationToken);
            using var client = built;
            var context = new RunContext(client) { Adapter = chosen };
            var settings = new CallSettings
            {
                Temperature = result.GetValue(temperature),
                MaxTokens = result.GetValue(maxTokens),
                Seed = result.GetValue(seed),
                RolloutId = result.GetValue(rollout),
            };
            try
            {
                var prediction = result.GetValue(chainOfThought)
                    ? await new ChainOfThought(sig).InvokeAsync(values, context, settings, cancellationToken)
                    : await new Predict(sig).InvokeAsync(values, context, settings, cancellationToken);
                var output = new JsonObject();
                foreach (var (name, value) in prediction.Values)
                {
                    output[name] = JsonOutput.ToNode(value);
                }

                stdout.WriteLine(output.ToJsonString(JsonOutput.Options));
                return ExitCodes.Ok;
            }
            catch (AdapterParseException ex)
            {
                stderr.WriteLine(OneLine(ex.Message));
                stderr.WriteLine("raw completion: " + OneLine(ex.RawCompletion));
                return ExitCodes.Failed;
            }
            catch (PromptTooLongException ex)
            {
                throw new CliException(OneLine(ex.Message) + " With --lm llama:…, set the context with ?ctx=TOKENS.");
            }
            catch (ArgumentException ex)
            {
                throw new CliException(OneLine(ex.Message));
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TimeoutException or Runtime.OpenAI.OpenAiServerException)
            {
                stderr.WriteLine("the model call failed: " + OneLine(ex.Message));
                return ExitCodes.Failed;
            }
            finally
            {
                store?.Dispose();
            }
        });
        return command;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
