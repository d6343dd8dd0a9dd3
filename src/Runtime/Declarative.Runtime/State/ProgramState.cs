using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Declarative.Values;

namespace Declarative;

/// <summary>
/// The learned state of a program: per named predictor, its instructions, field prefixes and descriptions, and
/// demonstrations. Saved as JSON in DSPy's layout, so a file saved by DSPy 3.x's <c>program.save("x.json")</c> loads
/// here when the predictor names match, and DSPy can load ours.
/// </summary>
public sealed class ProgramState
{
    /// <summary>The version of the file layout this library writes.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Creates a state.</summary>
    /// <param name="predictors">The state of each predictor, by name.</param>
    public ProgramState(IReadOnlyDictionary<string, PredictorState> predictors)
    {
        ArgumentNullException.ThrowIfNull(predictors);
        Predictors = predictors;
    }

    /// <summary>The state of each predictor, by DSPy-style name (<c>self</c>, <c>predict</c>, <c>generate.predict</c>).</summary>
    public IReadOnlyDictionary<string, PredictorState> Predictors { get; }

    /// <summary>The state of a program as it is now.</summary>
    /// <param name="program">The program.</param>
    /// <returns>The state.</returns>
    public static ProgramState Capture(Module program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var predictors = new Dictionary<string, PredictorState>(StringComparer.Ordinal);
        foreach (var (name, predict) in program.NamedPredictors())
        {
            var signature = predict.Signature;
            predictors[name] = new PredictorState(
                signature.Instructions,
                signature.Fields.Select(f => new FieldState(f.Prefix, f.Description ?? $"${{{f.Name}}}")).ToArray(),
                predict.Demos);
        }

        return new ProgramState(predictors);
    }

    /// <summary>The state as JSON (DSPy's layout, indented, ending with a newline).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var root = new JsonObject();
        foreach (var (name, state) in Predictors)
        {
            var demos = new JsonArray();
            foreach (var demo in state.Demos)
            {
                var obj = new JsonObject();
                foreach (var (key, value) in demo)
                {
                    obj[key] = PythonJson.ToNode(value);
                }

                demos.Add(obj);
            }

            var fields = new JsonArray();
            foreach (var field in state.Fields)
            {
                fields.Add(new JsonObject { ["prefix"] = field.Prefix, ["description"] = field.Description });
            }

            root[name] = new JsonObject
            {
                ["traces"] = new JsonArray(),
                ["train"] = new JsonArray(),
                ["demos"] = demos,
                ["signature"] = new JsonObject { ["instructions"] = state.Instructions, ["fields"] = fields },
                ["lm"] = null,
            };
        }

        root["metadata"] = new JsonObject
        {
            ["dependency_versions"] = new JsonObject(),
            ["declarative"] = new JsonObject { ["format_version"] = FormatVersion },
        };
        return root.ToJsonString(WriteOptions) + "\n";
    }

    /// <summary>Reads a state from JSON written by this library or by DSPy 3.x.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ProgramStateException">The text is not a program state; the message names the problem and where.</exception>
    public static ProgramState Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new ProgramStateException("the file is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new ProgramStateException($"the file is not valid JSON: {ex.Message}", ex);
        }

        if (root["metadata"]?["declarative"]?["format_version"] is JsonValue version
            && version.TryGetValue<int>(out var v) && v > FormatVersion)
        {
            throw new ProgramStateException($"the file has format version {v}, newer than this library's {FormatVersion}; upgrade Declarative to load it");
        }

        var predictors = new Dictionary<string, PredictorState>(StringComparer.Ordinal);
        foreach (var (name, node) in root)
        {
            if (name == "metadata")
            {
                continue;
            }

            if (node is not JsonObject predictor)
            {
                throw new ProgramStateException($"'{name}' is not an object holding a predictor's state");
            }

            predictors[name] = ReadPredictor(name, predictor);
        }

        return new ProgramState(predictors);
    }

    /// <summary>Reads a state file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ProgramStateException">The file is not a program state.</exception>
    public static async Task<ProgramState> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return Parse(text);
        }
        catch (ProgramStateException ex)
        {
            throw new ProgramStateException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the state to a file (atomically: a temporary file is written, then moved into place).</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var temporary = full + ".tmp-" + Environment.ProcessId;
        await File.WriteAllTextAsync(temporary, ToJson(), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, full, overwrite: true);
    }

    private static PredictorState ReadPredictor(string name, JsonObject predictor)
    {
        if (predictor["signature"] is not JsonObject signature)
        {
            throw new ProgramStateException($"predictor '{name}' has no \"signature\" object");
        }

        if (signature["instructions"] is not JsonValue instructionsNode || !instructionsNode.TryGetValue<string>(out var instructions))
        {
            throw new ProgramStateException($"predictor '{name}': \"signature.instructions\" must be a string");
        }

        var fields = new List<FieldState>();
        if (signature["fields"] is not JsonArray fieldArray)
        {
            throw new ProgramStateException($"predictor '{name}': \"signature.fields\" must be an array");
        }

        for (var i = 0; i < fieldArray.Count; i++)
        {
            if (fieldArray[i] is not JsonObject field
                || field["prefix"] is not JsonValue prefix || !prefix.TryGetValue<string>(out var prefixText)
                || field["description"] is not JsonValue description || !description.TryGetValue<string>(out var descriptionText))
            {
                throw new ProgramStateException($"predictor '{name}': \"signature.fields[{i}]\" must be an object with string \"prefix\" and \"description\"");
            }

            fields.Add(new FieldState(prefixText, descriptionText));
        }

        var demos = new List<Example>();
        if (predictor["demos"] is JsonArray demoArray)
        {
            for (var i = 0; i < demoArray.Count; i++)
            {
                if (demoArray[i] is not JsonObject demo)
                {
                    throw new ProgramStateException($"predictor '{name}': \"demos[{i}]\" must be an object of field values");
                }

                demos.Add(new Example(demo.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value?.DeepClone()))));
            }
        }
        else if (predictor["demos"] is not null)
        {
            throw new ProgramStateException($"predictor '{name}': \"demos\" must be an array");
        }

        return new PredictorState(instructions, fields, demos);
    }

    /// <summary>Applies the state to a program's predictors, checking everything before changing anything.</summary>
    internal void ApplyTo(Module program)
    {
        var predictors = program.NamedPredictors();
        var missing = predictors.Select(p => p.Name).Where(n => !Predictors.ContainsKey(n)).ToList();
        var extra = Predictors.Keys.Where(n => predictors.All(p => p.Name != n)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new ProgramStateException(
                $"the predictor names do not match: the program has {string.Join(", ", predictors.Select(p => $"'{p.Name}'"))}, the state has {string.Join(", ", Predictors.Keys.Select(n => $"'{n}'"))}"
                + (missing.Count > 0 ? $"; missing from the state: {string.Join(", ", missing)}" : string.Empty)
                + (extra.Count > 0 ? $"; not in the program: {string.Join(", ", extra)}" : string.Empty));
        }

        var updates = new List<(Predict Predictor, Signature Signature, Example[] Demos)>();
        foreach (var (name, predict) in predictors)
        {
            var state = Predictors[name];
            var signature = predict.Signature;
            if (state.Fields.Count != signature.Fields.Count)
            {
                throw new ProgramStateException(
                    $"predictor '{name}' has {signature.Fields.Count} fields ({string.Join(", ", signature.Fields.Select(f => f.Name))}) but the state describes {state.Fields.Count}; was it saved from another signature?");
            }

            var fields = signature.Fields.Select((f, i) => f with
            {
                Prefix = state.Fields[i].Prefix,
                Description = state.Fields[i].Description == $"${{{f.Name}}}" ? null : state.Fields[i].Description,
            });
            var updated = new Signature(signature.Name, fields, state.Instructions);
            var demos = state.Demos.Select(d => TypedDemo(d, updated)).ToArray();
            updates.Add((predict, updated, demos));
        }

        foreach (var (predict, signature, demos) in updates)
        {
            predict.SetState(signature, demos);
        }
    }

    /// <summary>A demo with its values read into the fields' shapes where they fit, and its inputs marked.</summary>
    private static Example TypedDemo(Example demo, Signature signature)
    {
        var values = demo.Select(pair =>
        {
            if (pair.Value is JsonNode node && signature.TryGetField(pair.Key, out var field))
            {
                try
                {
                    return new KeyValuePair<string, object?>(pair.Key, FieldValueParser.Convert(node, field.Shape));
                }
                catch (FormatException)
                {
                    // Kept as saved: the prompt shows it exactly as DSPy would.
                }
            }

            return pair;
        });
        return new Example(values, signature.InputFields.Select(f => f.Name).Where(demo.ContainsKey));
    }
}

/// <summary>The saved state of one predictor.</summary>
/// <param name="Instructions">The instructions.</param>
/// <param name="Fields">Prefix and description of each field, inputs then outputs.</param>
/// <param name="Demos">The demonstrations.</param>
public sealed record PredictorState(string Instructions, IReadOnlyList<FieldState> Fields, IReadOnlyList<Example> Demos);

/// <summary>The saved prefix and description of one field (<c>${name}</c> stands for no description, as in DSPy).</summary>
/// <param name="Prefix">The prefix, such as <c>Question:</c>.</param>
/// <param name="Description">The description.</param>
public sealed record FieldState(string Prefix, string Description);
