namespace Declarative.Retrieval;

public sealed partial class HnswIndex
{
    private Span<int> Links(int node, int layer) =>
        layer == 0 ? links0.AsSpan(node * (m0 + 1), m0 + 1) : upper[node]![layer - 1].AsSpan();

    private void Link(int node)
    {
        var level = levels[node];
        if (entryPoint < 0)
        {
            entryPoint = node;
            maxLevel = level;
            return;
        }

        var query = storage.Row(node).ToArray();
        var current = entryPoint;
        if (current == node)
        {
            return; // the entry point was replaced: its vector changed in place and its links stay
        }

        var currentScore = storage.Score(current, query);
        for (var layer = maxLevel; layer > level; layer--)
        {
            (current, currentScore) = Greedy(query, current, currentScore, layer, exclude: node);
        }

        List<int> entries = [current];
        for (var layer = Math.Min(level, maxLevel); layer >= 0; layer--)
        {
            var candidates = SearchLayer(query, entries, efConstruction, layer, filter: null, exclude: node);
            var maxLinks = layer == 0 ? m0 : m;
            var chosen = SelectNeighbors(candidates, maxLinks);
            var own = Links(node, layer);
            own[0] = chosen.Count;
            for (var i = 0; i < chosen.Count; i++)
            {
                own[i + 1] = chosen[i];
            }

            foreach (var neighbor in chosen)
            {
                Connect(neighbor, node, layer, maxLinks);
            }

            entries = candidates.Select(c => c.Node).ToList();
        }

        if (level > maxLevel)
        {
            maxLevel = level;
            entryPoint = node;
        }
    }

    private void Connect(int from, int to, int layer, int maxLinks)
    {
        var links = Links(from, layer);
        var count = links[0];
        for (var i = 1; i <= count; i++)
        {
            if (links[i] == to)
            {
                return;
            }
        }

        if (count < maxLinks)
        {
            links[count + 1] = to;
            links[0] = count + 1;
            return;
        }

        var candidates = new List<(int Node, float Score)>(count + 1) { (to, storage.Score(from, to)) };
        for (var i = 1; i <= count; i++)
        {
            candidates.Add((links[i], storage.Score(from, links[i])));
        }

        // Full: keep the best-spread maxLinks of the old links and the new one, with the same heuristic as new nodes. (Keeping
        // just the closest builds faster but, on clustered data, cuts the links between clusters: recall@10 fell to 0.45
        // at 200,000 clustered vectors.)
        candidates.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        var chosen = SelectNeighbors(candidates, maxLinks);
        links[0] = chosen.Count;
        for (var i = 0; i < chosen.Count; i++)
        {
            links[i + 1] = chosen[i];
        }
    }

    /// <summary>
    /// The neighbor heuristic: take candidates best first, skipping one that is closer to an already chosen neighbor
    /// than to the new node (it is reachable through that neighbor), then fill with the skipped ones while there is room.
    /// </summary>
    private List<int> SelectNeighbors(List<(int Node, float Score)> candidates, int maxLinks)
    {
        var chosen = new List<int>(maxLinks);
        var skipped = new List<int>();
        foreach (var (candidate, score) in candidates)
        {
            if (chosen.Count >= maxLinks)
            {
                break;
            }

            var keep = true;
            foreach (var other in chosen)
            {
                if (storage.Score(candidate, other) > score)
                {
                    keep = false;
                    break;
                }
            }

            (keep ? chosen : skipped).Add(candidate);
        }

        for (var i = 0; i < skipped.Count && chosen.Count < maxLinks; i++)
        {
            chosen.Add(skipped[i]);
        }

        return chosen;
    }

    private (int Node, float Score) Greedy(float[] query, int current, float currentScore, int layer, int exclude = -1)
    {
        for (var changed = true; changed;)
        {
            changed = false;
            var links = Links(current, layer);
            for (var i = 1; i <= links[0]; i++)
            {
                var neighbor = links[i];
                if (neighbor == exclude)
                {
                    continue;
                }

                var score = storage.Score(neighbor, query);
                if (score > currentScore)
                {
                    (current, currentScore, changed) = (neighbor, score, true);
                }
            }
        }

        return (current, currentScore);
    }

    /// <summary>The best <paramref name="ef"/> nodes of a layer reachable from the entries, best first.</summary>
    private List<(int Node, float Score)> SearchLayer(float[] query, List<int> entries, int ef, int layer, IReadOnlyDictionary<string, string>? filter, int exclude)
    {
        var visited = VisitedSet.Rent(storage.Count);
        try
        {
            var candidates = new PriorityQueue<int, float>(); // best first: priority is the negated score
            var results = new PriorityQueue<int, float>();    // worst first
            if (exclude >= 0)
            {
                visited.Add(exclude);
            }

            foreach (var entry in entries)
            {
                if (!visited.Add(entry))
                {
                    continue;
                }

                var score = storage.Score(entry, query);
                candidates.Enqueue(entry, -score);
                if (filter is null || VectorStorage.Matches(storage.Metadata(entry), filter))
                {
                    results.Enqueue(entry, score);
                }
            }

            while (results.Count > ef)
            {
                results.Dequeue();
            }

            while (candidates.TryDequeue(out var node, out var negated))
            {
                if (results.Count >= ef && results.TryPeek(out _, out var worst) && -negated < worst)
                {
                    break;
                }

                var links = Links(node, layer);
                for (var i = 1; i <= links[0]; i++)
                {
                    var neighbor = links[i];
                    if (!visited.Add(neighbor))
                    {
                        continue;
                    }

                    var score = storage.Score(neighbor, query);
                    if (results.Count < ef || (results.TryPeek(out _, out var least) && score > least))
                    {
                        candidates.Enqueue(neighbor, -score);
                        if (filter is null || VectorStorage.Matches(storage.Metadata(neighbor), filter))
                        {
                            results.Enqueue(neighbor, score);
                            if (results.Count > ef)
                            {
                                results.Dequeue();
                            }
                        }
                    }
                }
            }

            var list = new List<(int Node, float Score)>(results.Count);
            while (results.TryDequeue(out var n, out var s))
            {
                list.Add((n, s));
            }

            list.Reverse();
            return list;
        }
        finally
        {
            VisitedSet.Return(visited);
        }
    }
}
