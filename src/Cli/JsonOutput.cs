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
    public static JsonNode? ToNode(object? value) =>
        value is double d && (double.IsNaN(d) || double.IsInfinity(d)) ? JsonValue.Create(PythonFormat.Float(d)) : PythonJson.ToNode(value);
}
