using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Declarative.Values;

namespace Declarative.Cli;

/// <summary>Options shared by the commands, and the helpers that read them.</summary>
internal static class CommonOptions
{
    public static Option<string> Signature() => new("--signature", "-s")
    {
        Description = "A string signature, such as \"context: list[str], question -> answer: int\".",
        Required = true,
    };

    public static Option<string?> Instructions() => new("--instructions")
    {
        Description = "The task description (default: DSPy's \"Given the fields …\").",
    };

    public static Option<string> Adapter() => new("--adapter")
    {
        Description = "The message format: chat (DSPy's [[ ## field ## ]] sections), json or xml.",
        DefaultValueFactory = _ => "chat",
    };

    public static Option<string?> Inputs() => new("--inputs", "-i")
    {
        Description = "The input values as a JSON object, such as '{\"question\": \"Why?\"}'.",
    };

    public static Option<bool> ChainOfThought() => new("--chain-of-thought", "--cot")
    {
        Description = "Ask for step-by-step reasoning first (a `reasoning` output is added).",
    };

    public static Signature ReadSignature(string text, string? instructions)
    {
        try
        {
            return Declarative.Signature.Parse(text, instructions);
        }
        catch (SignatureException ex)
        {
            throw new CliException("--signature: " + ex.Message);
        }
    }

    public static Adapter ReadAdapter(string name) => name.ToLowerInvariant() switch
    {
        "chat" => ChatAdapter.Default,
        "json" => JsonAdapter.Default,
        "xml" => XmlAdapter.Default,
        _ => throw new CliException($"--adapter '{name}' is not known; use chat, json or xml."),
    };

    /// <summary>Reads <c>--inputs</c> into values of the signature's input shapes.</summary>
    public static Dictionary<string, object?> ReadInputs(string? json, Signature signature)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (json is null)
        {
            return values;
        }

        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(json) as JsonObject ?? throw new CliException("--inputs must be a JSON object, such as '{\"question\": \"Why?\"}'.");
        }
        catch (JsonException ex)
        {
            throw new CliException($"--inputs is not valid JSON: {ex.Message}");
        }

        foreach (var (name, node) in obj)
        {
            if (!signature.TryGetField(name, out var field) || !field.IsInput)
            {
                throw new CliException($"--inputs: '{name}' is not an input of the signature; its inputs are {string.Join(", ", signature.InputFields.Select(f => f.Name))}.");
            }

            try
            {
                values[name] = FieldValueParser.Convert(node, field.Shape);
            }
            catch (FormatException ex)
            {
                throw new CliException($"--inputs: '{name}' is not a {field.Shape.DisplayName}: {ex.Message}");
            }
        }

        return values;
    }

    /// <summary>Reads demonstrations from a JSONL file: one JSON object of field values per line.</summary>
    public static List<Example> ReadDemos(string? path, Signature signature)
    {
        var demos = new List<Example>();
        if (path is null)
        {
            return demos;
        }

        if (!File.Exists(path))
        {
            throw new CliException($"--demos: the file '{path}' does not exist.");
        }

        foreach (var obj in ReadJsonLines(path, "--demos ", "field values"))
        {
            demos.Add(new Example(
                obj.Select(p => new KeyValuePair<string, object?>(p.Key, ValueFor(signature, p.Key, p.Value))),
                signature.InputFields.Select(f => f.Name).Where(obj.ContainsKey)));
        }

        return demos;
    }

    /// <summary>The JSON objects of a JSONL file, one per non-blank line; errors name the file and line.</summary>
    /// <param name="path">The file.</param>
    /// <param name="prefix">Text before the file name in errors (the option, with a space).</param>
    /// <param name="holds">What each object holds, for the error message.</param>
    /// <returns>The objects in order.</returns>
    public static IEnumerable<JsonObject> ReadJsonLines(string path, string prefix, string holds)
    {
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject obj;
            try
            {
                obj = JsonNode.Parse(line) as JsonObject ?? throw new CliException($"{prefix}{path}:{lineNumber}: each line must be a JSON object of {holds}.");
            }
            catch (JsonException ex)
            {
                throw new CliException($"{prefix}{path}:{lineNumber}: not valid JSON ({ex.Message}).");
            }

            yield return obj;
        }
    }

    private static object? ValueFor(Signature signature, string name, JsonNode? node)
    {
        if (!signature.TryGetField(name, out var field))
        {
            return node;
        }

        try
        {
            return FieldValueParser.Convert(node, field.Shape);
        }
        catch (FormatException)
        {
            return node;
        }
    }

    /// <summary>The default cache file: <c>$XDG_CACHE_HOME/declarative/cache.db</c>, else <c>~/.cache/declarative/cache.db</c> (local app data on Windows).</summary>
    public static string DefaultCachePath()
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(root))
        {
            root = OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        }

        return Path.Combine(root, "declarative", "cache.db");
    }
}
