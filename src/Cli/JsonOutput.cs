using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative.Cli;

/// <summary>Writes machine-readable JSON for the commands' standard output.</summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <summary>A value as a JSON node (records in snake_case, dates as ISO 8601, enums by name).</summary>
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        double d when double.IsNaN(d) || double.IsInfinity(d) => JsonValue.Create(PythonFormat.Float(d)),
        _ => JsonNode.Parse(PythonJson.Serialize(value)),
    };
}
