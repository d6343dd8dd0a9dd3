namespace Declarative.Guards;

/// <summary>
/// Trains a binary classifier with one hidden ReLU layer (a multilayer perceptron) by full-batch Adam with L2
/// regularisation; deterministic for a seed. The weighted log-loss is that of <see cref="LogisticRegression"/>.
/// </summary>
internal static class HiddenLayerNetwork
{
    /// <summary>Fits the hidden layer (units × dimensions, row by row, and one intercept per unit) and the output layer.</summary>
    public static (float[] HiddenWeights, float[] HiddenBias, float[] Weights, double Bias) Train(
        IReadOnlyList<float[]> x, IReadOnlyList<bool> y, int units, IReadOnlyList<double> sampleWeights, int epochs = 300, double learningRate = 0.01, double l2 = 1e-4, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        if (sampleWeights.Count != x.Count)
        {
            throw new ArgumentException($"{sampleWeights.Count} sample weights for {x.Count} examples.", nameof(sampleWeights));
        }

        var n = x.Count;
        var dim = x[0].Length;

        // Every parameter in one array: the hidden weights (units × dim, row by row), their intercepts, the output
        // weights, the output intercept.
        var b1At = units * dim;
        var w2At = b1At + units;
        var b2At = w2At + units;
        var theta = new double[b2At + 1];
        var random = new Random(seed);
        for (var i = 0; i < b1At; i++)
        {
            theta[i] = Gaussian(random) * Math.Sqrt(2.0 / dim); // He initialisation for ReLU
        }

        for (var u = 0; u < units; u++)
        {
            theta[w2At + u] = Gaussian(random) * Math.Sqrt(1.0 / units);
        }

        var m = new double[theta.Length];
        var v = new double[theta.Length];
        var grad = new double[theta.Length];
        var hidden = new double[units];
        var totalWeight = sampleWeights.Sum();
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            Array.Clear(grad);
            for (var i = 0; i < n; i++)
            {
                var xi = x[i];
                var z = theta[b2At];
                for (var u = 0; u < units; u++)
                {
                    var a = theta[b1At + u];
                    var row = u * dim;
                    for (var d = 0; d < dim; d++)
                    {
                        a += theta[row + d] * xi[d];
                    }

                    hidden[u] = Math.Max(a, 0);
                    z += theta[w2At + u] * hidden[u];
                }

                var err = ((1 / (1 + Math.Exp(-z))) - (y[i] ? 1 : 0)) * sampleWeights[i] / totalWeight;
                grad[b2At] += err;
                for (var u = 0; u < units; u++)
                {
                    grad[w2At + u] += err * hidden[u];
                    if (hidden[u] <= 0)
                    {
                        continue;
                    }

                    var back = err * theta[w2At + u];
                    grad[b1At + u] += back;
                    var row = u * dim;
                    for (var d = 0; d < dim; d++)
                    {
                        grad[row + d] += back * xi[d];
                    }
                }
            }

            // Adam, with L2 on the weights (not the intercepts).
            var correction1 = 1 - Math.Pow(0.9, epoch);
            var correction2 = 1 - Math.Pow(0.999, epoch);
            for (var p = 0; p < theta.Length; p++)
            {
                var intercept = (p >= b1At && p < w2At) || p == b2At;
                var g = grad[p] + (intercept ? 0 : l2 * theta[p]);
                m[p] = (0.9 * m[p]) + (0.1 * g);
                v[p] = (0.999 * v[p]) + (0.001 * g * g);
                theta[p] -= learningRate * (m[p] / correction1) / (Math.Sqrt(v[p] / correction2) + 1e-8);
            }
        }

        float[] Slice(int start, int length) => [.. theta.AsSpan(start, length).ToArray().Select(t => (float)t)];
        return (Slice(0, b1At), Slice(b1At, units), Slice(w2At, units), theta[b2At]);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
