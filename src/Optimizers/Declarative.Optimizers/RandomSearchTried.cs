using System.Text.Json.Nodes;

namespace Declarative.Optimizers;

/// <summary>One compiled and scored random-search candidate, as journaled by its step.</summary>
/// <param name="Seed">The candidate's seed.</param>
/// <param name="Score">Its validation score in percent.</param>
/// <param name="Size">Its bootstrapped-demo limit.</param>
/// <param name="Counts">Demos per predictor.</param>
/// <param name="State">The compiled program's state.</param>
internal sealed record RandomSearchTried(int Seed, double Score, int Size, IReadOnlyDictionary<string, int> Counts, ProgramState State)
{
    /// <summary>The step's journal value.</summary>
    public JsonNode ToJson()
    {
        var counts = new JsonObject();
        foreach (var (name, count) in Counts)
        {
            counts[name] = count;
        }

        return new JsonObject
        {
            ["seed"] = Seed,
            ["score"] = Score,
            ["size"] = Size,
            ["counts"] = counts,
            ["state"] = JsonNode.Parse(State.ToJson()),
        };
    }

    /// <summary>Reads a journal value written by <see cref="ToJson"/>.</summary>
    public static RandomSearchTried FromJson(JsonNode? node)
    {
        var obj = node as JsonObject ?? throw new FormatException("a random-search step holds no object");
        return new RandomSearchTried(
            obj["seed"]!.GetValue<int>(),
            obj["score"]!.GetValue<double>(),
            obj["size"]!.GetValue<int>(),
            obj["counts"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>(), StringComparer.Ordinal),
            ProgramState.Parse(obj["state"]!.ToJsonString()));
    }
}
