namespace Declarative.Retrieval;

public sealed partial class HnswIndex
{
    /// <summary>
    /// Writes the index: the common header (kind <c>H</c>), the vectors, ids and metadata as for
    /// <see cref="ExactVectorIndex"/>, then M, efConstruction, efSearch, seed, entry point and top level, and per node
    /// its level and, per layer, its link count and links.
    /// </summary>
    /// <param name="stream">The stream to write to.</param>
    public void Save(Stream stream)
    {
        gate.EnterReadLock();
        try
        {
            var writer = IndexFile.BeginWrite(stream, 'H');
            storage.Write(writer);
            writer.Write(m);
            writer.Write(efConstruction);
            writer.Write(Options.EfSearch);
            writer.Write(Options.Seed);
            writer.Write(entryPoint);
            writer.Write(maxLevel);
            for (var node = 0; node < storage.Count; node++)
            {
                writer.Write(levels[node]);
                for (var layer = 0; layer <= levels[node]; layer++)
                {
                    var links = Links(node, layer);
                    for (var i = 0; i <= links[0]; i++)
                    {
                        writer.Write(links[i]);
                    }
                }
            }

            IndexFile.EndWrite(writer);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>Loads an index written by <see cref="Save"/>. Nodes added afterwards draw their layers from a generator seeded with the seed and the count.</summary>
    /// <param name="stream">The stream to read.</param>
    /// <returns>The index.</returns>
    /// <exception cref="IndexFormatException">The stream is not an HNSW index of this format version, or is damaged.</exception>
    public static HnswIndex Load(Stream stream) => IndexFile.Read(stream, 'H', nameof(HnswIndex), reader =>
    {
        var storage = VectorStorage.Read(reader);
        var options = new HnswOptions
        {
            M = reader.ReadInt32(),
            EfConstruction = reader.ReadInt32(),
            EfSearch = reader.ReadInt32(),
            Seed = reader.ReadInt32(),
            Metric = storage.Metric,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new IndexFormatException($"The saved HNSW options are damaged ({ex.Message}). Rebuild the index.", ex);
        }

        var index = new HnswIndex(storage, options);
        index.entryPoint = reader.ReadInt32();
        index.maxLevel = reader.ReadInt32();
        var count = storage.Count;
        if ((count == 0 && index.entryPoint != -1) || (count > 0 && (index.entryPoint < 0 || index.entryPoint >= count)))
        {
            throw new IndexFormatException($"The saved entry point {index.entryPoint} is outside the {count} nodes. Rebuild the index.");
        }

        index.links0 = new int[Math.Max(16, count) * (index.m0 + 1)];
        for (var node = 0; node < count; node++)
        {
            var level = reader.ReadInt32();
            if (level < 0 || level > index.maxLevel)
            {
                throw new IndexFormatException($"Node {node} has level {level}, outside 0..{index.maxLevel}. Rebuild the index.");
            }

            index.levels.Add(level);
            index.upper.Add(level == 0 ? null : Enumerable.Range(0, level).Select(_ => new int[index.m + 1]).ToArray());
            for (var layer = 0; layer <= level; layer++)
            {
                var links = index.Links(node, layer);
                var n = reader.ReadInt32();
                if (n < 0 || n >= links.Length)
                {
                    throw new IndexFormatException($"Node {node} has {n} links on layer {layer}, more than the {links.Length - 1} allowed. Rebuild the index.");
                }

                links[0] = n;
                for (var i = 1; i <= n; i++)
                {
                    var target = reader.ReadInt32();
                    if (target < 0 || target >= count)
                    {
                        throw new IndexFormatException($"Node {node} links to {target}, outside the {count} nodes. Rebuild the index.");
                    }

                    links[i] = target;
                }
            }
        }

        return index;
    });

    private HnswIndex(VectorStorage storage, HnswOptions options)
        : this(storage.Dimensions, options)
    {
        this.storage = storage;
        random = new Random(unchecked((options.Seed * 397) ^ storage.Count));
    }
}
