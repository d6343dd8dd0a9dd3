using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative.Optimizers;

/// <summary>Turns JSON nodes into plain .NET values.</summary>
internal static class JsonValues
{
    public static object? ToValue(JsonNode? node) => node switch
    {
        null => null,
        JsonArray array => array.Select(ToValue).ToList(),
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToValue(p.Value), StringComparer.Ordinal),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetValue<long>(out var l) ? (object)l : value.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };
}
