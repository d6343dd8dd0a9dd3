using System.Numerics;
using System.Runtime.InteropServices;

namespace Declarative.Runtime.Onnx;

/// <summary>Mean pooling of token states (the tokens under the attention mask) and L2 normalization.</summary>
internal static class MeanPooling
{
    /// <summary>Averages <paramref name="states"/>, consecutive rows of <paramref name="width"/> values, into one vector.</summary>
    public static float[] Pool(ReadOnlySpan<float> states, int width, bool normalize)
    {
        var vector = new float[width];
        var tokens = states.Length / width;
        for (var t = 0; t < tokens; t++)
        {
            Add(vector, states.Slice(t * width, width));
        }

        var scale = 1f / Math.Max(tokens, 1);
        if (normalize)
        {
            var sum = 0d;
            foreach (var x in vector)
            {
                sum += (double)x * x;
            }

            // Normalizing the sum equals normalizing the mean; a zero vector stays zero.
            scale = sum > 0 ? (float)(1 / Math.Sqrt(sum)) : 0f;
        }

        Scale(vector, scale);
        return vector;
    }

    private static void Add(Span<float> sum, ReadOnlySpan<float> row)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var sums = MemoryMarshal.Cast<float, Vector<float>>(sum);
            var rows = MemoryMarshal.Cast<float, Vector<float>>(row);
            for (var v = 0; v < sums.Length; v++)
            {
                sums[v] += rows[v];
            }

            i = sums.Length * Vector<float>.Count;
        }

        for (; i < sum.Length; i++)
        {
            sum[i] += row[i];
        }
    }

    private static void Scale(Span<float> vector, float scale)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }
    }
}
