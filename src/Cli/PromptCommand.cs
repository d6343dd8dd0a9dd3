using System.CommandLine;
using System.Text.Json.Nodes;

namespace Declarative.Cli;

/// <summary><c>declarative prompt</c>: prints the exact messages a signature produces, as a JSON array of <c>{"role","content"}</c>.</summary>
internal static class PromptCommand
{
    public static Command Create(TextWriter stdout)
    {
        var signature = CommonOptions.Signature();
        var instructions = CommonOptions.Instructions();
        var adapter = CommonOptions.Adapter();
        var inputs = CommonOptions.Inputs();
        var chainOfThought = CommonOptions.ChainOfThought();
        var demos = new Option<string?>("--demos") { Description = "Demonstrations: a JSONL file with one object of field values per line." };
        var command = new Command("prompt", "Print the exact messages a signature produces, as a JSON array of {\"role\", \"content\"}.")
        {
            signature, instructions, adapter, inputs, demos, chainOfThought,
        };
        command.SetAction(result =>
        {
            var sig = CommonOptions.ReadSignature(result.GetValue(signature)!, result.GetValue(instructions));
            if (result.GetValue(chainOfThought))
            {
                sig = ChainOfThought.Extend(sig);
            }

            var chosen = CommonOptions.ReadAdapter(result.GetValue(adapter)!);
            var values = CommonOptions.ReadInputs(result.GetValue(inputs), sig);
            var examples = CommonOptions.ReadDemos(result.GetValue(demos), sig);
            var messages = chosen.Format(sig, examples, values);
            var array = new JsonArray();
            foreach (var message in messages)
            {
                array.Add(new JsonObject { ["role"] = message.Role.Value, ["content"] = message.Text });
            }

            stdout.WriteLine(array.ToJsonString(JsonOutput.Options));
            return ExitCodes.Ok;
        });
        return command;
    }
}
