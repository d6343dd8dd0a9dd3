namespace Declarative.Guards;

/// <summary>Trains a binary logistic regression with L2 regularisation by full-batch gradient descent (deterministic).</summary>
internal static class LogisticRegression
{
    /// <summary>
    /// Fits weights and a bias to <paramref name="x"/> and labels <paramref name="y"/>. Without
    /// <paramref name="sampleWeights"/> the two classes weigh the same in total; with them, each example's loss is
    /// scaled by its weight (the caller balances classes and sources).
    /// </summary>
    public static (float[] Weights, double Bias) Train(IReadOnlyList<float[]> x, IReadOnlyList<bool> y, int epochs = 400, double learningRate = 2.0, double l2 = 1e-3, IReadOnlyList<double>? sampleWeights = null)
    {
        if (sampleWeights is not null && sampleWeights.Count != x.Count)
        {
            throw new ArgumentException($"{sampleWeights.Count} sample weights for {x.Count} examples.", nameof(sampleWeights));
        }

        var dim = x[0].Length;
        var w = new double[dim];
        double b = 0;
        var n = x.Count;
        var positives = y.Count(v => v);
        var posWeight = positives == 0 ? 1 : (double)n / (2 * positives);
        var negWeight = positives == n ? 1 : (double)n / (2 * (n - positives));
        var grad = new double[dim];
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            Array.Clear(grad);
            double gb = 0;
            for (var i = 0; i < n; i++)
            {
                var xi = x[i];
                var z = b;
                for (var d = 0; d < dim; d++)
                {
                    z += w[d] * xi[d];
                }

                var p = 1 / (1 + Math.Exp(-z));
                var err = (p - (y[i] ? 1 : 0)) * (sampleWeights?[i] ?? (y[i] ? posWeight : negWeight));
                for (var d = 0; d < dim; d++)
                {
                    grad[d] += err * xi[d];
                }

                gb += err;
            }

            for (var d = 0; d < dim; d++)
            {
                w[d] -= learningRate * ((grad[d] / n) + (l2 * w[d]));
            }

            b -= learningRate * gb / n;
        }

        return (w.Select(v => (float)v).ToArray(), b);
    }
}
