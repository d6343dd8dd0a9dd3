using System.Text.Json.Nodes;

namespace Declarative.Optimizers;

/// <summary>An <see cref="OptimizationCandidate"/> as a JSON object (journal records and the candidate table).</summary>
internal static class CandidateJson
{
    /// <summary>The candidate as a journal record (<c>"kind": "candidate"</c>, with its program state).</summary>
    public static JsonObject Write(OptimizationCandidate candidate)
    {
        var details = new JsonObject();
        foreach (var (key, value) in candidate.Details)
        {
            details[key] = value;
        }

        return new JsonObject
        {
            ["kind"] = "candidate",
            ["index"] = candidate.Index,
            ["label"] = candidate.Label,
            ["score"] = candidate.Score,
            ["full"] = candidate.FullEvaluation,
            ["details"] = details,
            ["state"] = JsonNode.Parse(candidate.State.ToJson()),
        };
    }

    /// <summary>Reads a record written by <see cref="Write"/>.</summary>
    /// <exception cref="FormatException">A member is missing or of the wrong kind.</exception>
    public static OptimizationCandidate Read(JsonObject record)
    {
        var details = (record["details"] as JsonObject ?? throw new FormatException("a candidate has no details object"))
            .ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal);
        var state = record["state"] as JsonObject ?? throw new FormatException("a candidate has no state object");
        return new OptimizationCandidate(
            record["index"]!.GetValue<int>(),
            record["label"]!.GetValue<string>(),
            record["score"]!.GetValue<double>(),
            record["full"]!.GetValue<bool>(),
            ProgramState.Parse(state.ToJsonString()),
            details);
    }
}
