namespace Declarative.Runtime.Onnx;

/// <summary>
/// The names and shapes of an ONNX model's initializers, read straight from its protobuf bytes (ModelProto.graph,
/// GraphProto.initializer, TensorProto.dims and name). ONNX Runtime ignores an added initializer whose name the graph
/// lacks, and takes one of another shape without complaint, so tuned weights are checked against these first.
/// </summary>
internal static class OnnxInitializers
{
    private const int ModelGraph = 7;
    private const int GraphInitializer = 5;
    private const int TensorDims = 1;
    private const int TensorName = 8;

    /// <summary>Reads every initializer's name and shape.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed ONNX model.</exception>
    public static IReadOnlyDictionary<string, long[]> Read(ReadOnlySpan<byte> model)
    {
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var position = 0;
        while (position < model.Length)
        {
            var (field, wire) = Tag(model, ref position);
            if (field == ModelGraph && wire == 2)
            {
                var graph = Delimited(model, ref position);
                var at = 0;
                while (at < graph.Length)
                {
                    var (graphField, graphWire) = Tag(graph, ref at);
                    if (graphField == GraphInitializer && graphWire == 2)
                    {
                        var (name, dims) = Tensor(Delimited(graph, ref at));
                        result[name] = dims;
                    }
                    else
                    {
                        Skip(graph, ref at, graphWire);
                    }
                }
            }
            else
            {
                Skip(model, ref position, wire);
            }
        }

        return result;
    }

    private static (string Name, long[] Dims) Tensor(ReadOnlySpan<byte> tensor)
    {
        var name = string.Empty;
        var dims = new List<long>();
        var at = 0;
        while (at < tensor.Length)
        {
            var (field, wire) = Tag(tensor, ref at);
            if (field == TensorDims && wire == 0)
            {
                dims.Add((long)Varint(tensor, ref at));
            }
            else if (field == TensorDims && wire == 2)
            {
                var packed = Delimited(tensor, ref at);
                var p = 0;
                while (p < packed.Length)
                {
                    dims.Add((long)Varint(packed, ref p));
                }
            }
            else if (field == TensorName && wire == 2)
            {
                name = System.Text.Encoding.UTF8.GetString(Delimited(tensor, ref at));
            }
            else
            {
                Skip(tensor, ref at, wire);
            }
        }

        return (name, [.. dims]);
    }

    private static (int Field, int Wire) Tag(ReadOnlySpan<byte> bytes, ref int at)
    {
        var tag = Varint(bytes, ref at);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= bytes.Length)
            {
                throw new InvalidDataException("the model ends inside a number; it is not a whole ONNX file.");
            }

            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("the model has a malformed number; it is not an ONNX file.");
    }

    private static ReadOnlySpan<byte> Delimited(ReadOnlySpan<byte> bytes, ref int at)
    {
        var length = Varint(bytes, ref at);
        if (length > (ulong)(bytes.Length - at))
        {
            throw new InvalidDataException("the model has a field longer than the file; it is not a whole ONNX file.");
        }

        var slice = bytes.Slice(at, (int)length);
        at += (int)length;
        return slice;
    }

    private static void Skip(ReadOnlySpan<byte> bytes, ref int at, int wire)
    {
        switch (wire)
        {
            case 0: Varint(bytes, ref at); break;
            case 1: at += 8; break;
            case 2: Delimited(bytes, ref at); break;
            case 5: at += 4; break;
            default: throw new InvalidDataException($"the model has a field of wire type {wire}; it is not an ONNX file.");
        }

        if (at > bytes.Length)
        {
            throw new InvalidDataException("the model ends inside a field; it is not a whole ONNX file.");
        }
    }
}
