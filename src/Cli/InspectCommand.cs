using System.CommandLine;
using System.Text.Json.Nodes;

namespace Declarative.Cli;

/// <summary>
/// <c>declarative inspect FILE</c>: shows a compiled program (the JSON <c>optimize --out</c> writes) per predictor: its
/// instructions, its demos and, when the program is named (<c>--signature</c> or <c>--assembly/--program</c>), the exact
/// messages it sends for a sample input, as one JSON object.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("FILE") { Description = "The compiled program (JSON, DSPy's layout)." };
        var program = ProgramSource.CreateOptions();
        var adapter = CommonOptions.Adapter();
        var inputs = new Option<string?>("--inputs", "-i")
        {
            Description = "The sample input as a JSON object (default: each predictor's first demo's inputs, else <field> placeholders).",
        };
        var command = new Command("inspect", "Show a compiled program per predictor: instructions, demos, and the exact messages it sends for a sample input.")
        {
            file, program.Signature, program.Instructions, program.Module, program.Assembly, program.Program, adapter, inputs,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            ProgramState state;
            try
            {
                state = await ProgramState.LoadAsync(path, cancellationToken);
            }
            catch (Exception ex) when (ex is ProgramStateException or IOException)
            {
                throw new CliException($"{path}: {ex.Message.ReplaceLineEndings(" ")}");
            }

            var named = result.GetValue(program.Signature) is not null || result.GetValue(program.Assembly) is not null || result.GetValue(program.Program) is not null;
            Module? compiled = null;
            if (named)
            {
                try
                {
                    compiled = ProgramSource.Read(result, program).Student.WithState(state);
                }
                catch (ProgramStateException ex)
                {
                    throw new CliException($"{path} does not fit the program: {ex.Message.ReplaceLineEndings(" ")}");
                }
            }
            else
            {
                stderr.WriteLine("inspect: give --signature or --assembly/--program to see the messages each predictor sends.");
            }

            var chosen = CommonOptions.ReadAdapter(result.GetValue(adapter)!);
            var sample = result.GetValue(inputs);
            var predictors = new JsonArray();
            foreach (var (name, predictor) in state.Predictors)
            {
                var demos = new JsonArray();
                foreach (var demo in predictor.Demos)
                {
                    var obj = new JsonObject();
                    foreach (var (key, value) in demo)
                    {
                        obj[key] = JsonOutput.ToNode(value);
                    }

                    demos.Add(obj);
                }

                var entry = new JsonObject { ["name"] = name, ["instructions"] = predictor.Instructions, ["demos"] = demos };
                var predict = compiled?.NamedPredictors().FirstOrDefault(p => p.Name == name).Predictor;
                if (predict is not null)
                {
                    var values = SampleInputs(predict, sample);
                    var messages = new JsonArray();
                    foreach (var message in chosen.Format(predict.Signature, predict.Demos, values))
                    {
                        messages.Add(new JsonObject { ["role"] = message.Role.Value, ["content"] = message.Text });
                    }

                    entry["messages"] = messages;
                }

                predictors.Add(entry);
            }

            stdout.WriteLine(new JsonObject { ["file"] = Path.GetFullPath(path), ["predictors"] = predictors }.ToJsonString(JsonOutput.Options));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The sample input for one predictor: <c>--inputs</c> when it has all the predictor's inputs, else its first demo's, else placeholders.</summary>
    private static Dictionary<string, object?> SampleInputs(Predict predict, string? json)
    {
        var signature = predict.Signature;
        if (json is not null)
        {
            JsonObject all;
            try
            {
                all = JsonNode.Parse(json) as JsonObject ?? throw new CliException("--inputs must be a JSON object, such as '{\"question\": \"Why?\"}'.");
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new CliException($"--inputs is not valid JSON: {ex.Message}");
            }

            // Each predictor takes the values of its own inputs (a program's predictors have different inputs).
            if (signature.InputFields.All(f => all.ContainsKey(f.Name)))
            {
                var mine = new JsonObject();
                foreach (var field in signature.InputFields)
                {
                    mine[field.Name] = all[field.Name]?.DeepClone();
                }

                return CommonOptions.ReadInputs(mine.ToJsonString(), signature);
            }
        }

        var demo = predict.Demos.FirstOrDefault(d => signature.InputFields.All(f => d.ContainsKey(f.Name)));
        return signature.InputFields.ToDictionary(f => f.Name, f => demo is not null ? demo[f.Name] : (object?)$"<{f.Name}>", StringComparer.Ordinal);
    }
}
