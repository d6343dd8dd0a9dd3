using System.Text.Json.Nodes;

namespace Declarative.Testing;

/// <summary>A request an <see cref="OpenAiTestServer"/> received, kept for assertions.</summary>
/// <param name="Index">The request's position in arrival order, from 0.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path (without the query).</param>
/// <param name="Headers">The request headers (names lower-cased; repeated headers joined with commas).</param>
/// <param name="BodyText">The body as sent.</param>
/// <param name="Fault">The fault injected into the response, <see cref="OpenAiFault.None"/> if none.</param>
public sealed record OpenAiRecordedRequest(int Index, string Method, string Path, IReadOnlyDictionary<string, string> Headers, string BodyText, OpenAiFault Fault)
{
    /// <summary>The body parsed as JSON; <see langword="null"/> when it is empty or not a JSON object.</summary>
    public JsonObject? Body
    {
        get
        {
            try
            {
                return BodyText.Length == 0 ? null : JsonNode.Parse(BodyText) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }
    }
}
