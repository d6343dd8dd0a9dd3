using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Declarative.Retrieval;

/// <summary>Contiguous float storage for vector indexes: row i is <c>data[i*dims .. (i+1)*dims)</c>, with its id and metadata.</summary>
internal sealed class VectorStorage
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();
    private readonly List<string> ids = [];
    private readonly List<IReadOnlyDictionary<string, string>> metadata = [];
    private readonly Dictionary<string, int> rows = new(StringComparer.Ordinal);
    private float[] data;

    public VectorStorage(int dimensions, VectorMetric metric, int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Dimensions = dimensions;
        Metric = metric;
        data = new float[(long)Math.Max(capacity, 1) * dimensions];
    }

    public int Dimensions { get; }

    public VectorMetric Metric { get; }

    public int Count { get; private set; }

    public ReadOnlySpan<float> Row(int row) => data.AsSpan(row * Dimensions, Dimensions);

    public string Id(int row) => ids[row];

    public IReadOnlyDictionary<string, string> Metadata(int row) => metadata[row];

    public bool TryGetRow(string id, out int row) => rows.TryGetValue(id, out row);

    /// <summary>The query as stored rows are: checked for length and, for cosine, normalized.</summary>
    public float[] PrepareQuery(ReadOnlySpan<float> query)
    {
        var copy = query.ToArray();
        Normalize(copy, "query");
        return copy;
    }

    public float Score(int row, ReadOnlySpan<float> prepared) => TensorPrimitives.Dot(Row(row), prepared);

    public float Score(int a, int b) => TensorPrimitives.Dot(Row(a), Row(b));

    /// <summary>Appends a row, or replaces the row of an existing id; returns the row and whether it is new.</summary>
    public (int Row, bool Added) Put(string id, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, string>? meta)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var prepared = vector.ToArray();
        Normalize(prepared, "vector");
        var copy = meta is null || meta.Count == 0 ? NoMetadata : new Dictionary<string, string>(meta, StringComparer.Ordinal);
        if (rows.TryGetValue(id, out var existing))
        {
            prepared.CopyTo(data.AsSpan(existing * Dimensions, Dimensions));
            metadata[existing] = copy;
            return (existing, false);
        }

        if ((long)(Count + 1) * Dimensions > data.Length)
        {
            Array.Resize(ref data, checked((int)Math.Min(Array.MaxLength, Math.Max((long)data.Length * 2, (long)(Count + 1) * Dimensions))));
        }

        prepared.CopyTo(data.AsSpan(Count * Dimensions, Dimensions));
        ids.Add(id);
        metadata.Add(copy);
        rows[id] = Count;
        return (Count++, true);
    }

    /// <summary>Removes a row by moving the last row into its place; returns the row that moved (or -1).</summary>
    public int RemoveAt(int row)
    {
        var last = Count - 1;
        rows.Remove(ids[row]);
        if (row != last)
        {
            data.AsSpan(last * Dimensions, Dimensions).CopyTo(data.AsSpan(row * Dimensions, Dimensions));
            ids[row] = ids[last];
            metadata[row] = metadata[last];
            rows[ids[row]] = row;
        }

        ids.RemoveAt(last);
        metadata.RemoveAt(last);
        Count--;
        return row != last ? last : -1;
    }

    public static bool Matches(IReadOnlyDictionary<string, string> meta, IReadOnlyDictionary<string, string>? filter)
    {
        if (filter is null)
        {
            return true;
        }

        foreach (var (key, value) in filter)
        {
            if (!meta.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Dimensions);
        writer.Write((byte)Metric);
        writer.Write(Count);
        for (var i = 0; i < Count; i++)
        {
            writer.Write(ids[i]);
            writer.Write(metadata[i].Count);
            foreach (var (key, value) in metadata[i])
            {
                writer.Write(key);
                writer.Write(value);
            }
        }

        writer.Write(MemoryMarshal.AsBytes(data.AsSpan(0, Count * Dimensions)));
    }

    public static VectorStorage Read(BinaryReader reader)
    {
        var dimensions = reader.ReadInt32();
        var metric = (VectorMetric)reader.ReadByte();
        var count = reader.ReadInt32();
        if (dimensions < 1 || !Enum.IsDefined(metric) || count < 0 || (long)count * dimensions > Array.MaxLength)
        {
            throw new IndexFormatException($"The index header is damaged (dimensions {dimensions}, metric {(int)metric}, count {count}). Rebuild the index.");
        }

        var storage = new VectorStorage(dimensions, metric, count);
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadString();
            var pairs = reader.ReadInt32();
            if (pairs < 0 || pairs > 1 << 20)
            {
                throw new IndexFormatException($"The index entry {i} has a damaged metadata count ({pairs}). Rebuild the index.");
            }

            var meta = pairs == 0 ? NoMetadata : new Dictionary<string, string>(pairs, StringComparer.Ordinal);
            for (var p = 0; p < pairs; p++)
            {
                ((Dictionary<string, string>)meta)[reader.ReadString()] = reader.ReadString();
            }

            if (!storage.rows.TryAdd(id, i))
            {
                throw new IndexFormatException($"The index holds the id '{id}' twice. Rebuild the index.");
            }

            storage.ids.Add(id);
            storage.metadata.Add(meta);
        }

        var bytes = MemoryMarshal.AsBytes(storage.data.AsSpan(0, count * dimensions));
        reader.BaseStream.ReadExactly(bytes);
        storage.Count = count;
        return storage;
    }

    private void Normalize(float[] vector, string what)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The {what} has {vector.Length} dimensions but the index holds {Dimensions}; embed with the model the index was built with.", what);
        }

        if (Metric == VectorMetric.Cosine)
        {
            var norm = TensorPrimitives.Norm(vector);
            if (!(norm > 0) || !float.IsFinite(norm))
            {
                throw new ArgumentException($"The {what} has no direction (its norm is {norm}), so it has no cosine similarity; check the embedding.", what);
            }

            TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
