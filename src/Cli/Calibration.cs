using System.Text.Json.Nodes;
using Declarative.Guards;

namespace Declarative.Cli;

/// <summary>
/// Moves a trained classifier's biases so that probability 0.5 is the operating point chosen on the validation files
/// (<see cref="OperatingPoint"/>): first the main head on its own, then the span head given the calibrated main head
/// (a text is flagged when either head reaches 0.5); with <c>calibrateMain</c> false (<c>--main-head</c>) the main head
/// is kept as it is and only the span head is calibrated. Reports both, and, for comparison, what scoring the spans with the
/// main head instead would give.
/// </summary>
internal static class Calibration
{
    public static async Task<JsonObject> CalibrateAsync(InjectionClassifier classifier, IReadOnlyList<(string Name, (string Text, bool IsInjection)[] Rows)> files, double maxFalsePositives, bool calibrateMain, CancellationToken cancellationToken)
    {
        var model = classifier.Model;
        var labels = files.Select(f => f.Rows.Select(r => r.IsInjection).ToArray()).ToArray();
        var texts = files.Select(f => f.Rows.Select(r => TextNormalizer.Normalize(r.Text).Text).ToArray()).ToArray();
        var heads = new List<(double[] Main, double[] Spans)>();
        foreach (var fileTexts in texts)
        {
            var scores = await classifier.ScoreHeadsAsync(fileTexts, scoreTasks: null, cancellationToken);
            heads.Add((scores.Main, scores.Spans));
        }

        var (threshold, metrics) = calibrateMain ? OperatingPoint.Choose(heads.Select((h, i) => (h.Main, labels[i])).ToArray(), maxFalsePositives)
            : (0.5, heads.Select((h, i) => DetectionMetrics.Of(h.Main, labels[i], 0.5)).ToArray());
        model.Bias -= Logit(threshold);
        var result = new JsonObject
        {
            ["files"] = new JsonArray([.. files.Select(f => (JsonNode)f.Name)]),
            ["rule"] = $"best mean balanced accuracy with false positives at most {maxFalsePositives} on each file" + (calibrateMain ? string.Empty : " (span head only: the main head was kept as calibrated, threshold 0.5)"),
            ["threshold"] = Math.Round(threshold, 4),
            ["at_threshold"] = GuardTrainCommand.Figures(DetectionMetrics.Of(heads.SelectMany(h => h.Main).ToArray(), labels.SelectMany(l => l).ToArray(), threshold)),
            ["per_file"] = PerFile(files, metrics),
        };
        if (model.SpanWeights is null)
        {
            return result;
        }

        // The span head given the main head: a text the main head flags scores 1, any other its span probability.
        var given = heads.Select(h => h.Main.Zip(h.Spans, (m, s) => m >= threshold ? 1.0 : s).ToArray()).ToArray();
        var (spanThreshold, spanMetrics) = OperatingPoint.Choose(given.Select((g, i) => (g, labels[i])).ToArray(), maxFalsePositives);
        model.SpanBias -= Logit(spanThreshold);
        result["span_threshold"] = Math.Round(spanThreshold, 4);
        result["with_span_head"] = PerFile(files, spanMetrics);

        // For comparison only: the spans scored by the calibrated main head (no span head); a main head with a hidden
        // layer cannot stand in for the span head's logistic regression, so there is no comparison then.
        if (model.HiddenBias is { Length: > 0 })
        {
            return result;
        }

        var comparison = new InjectionClassifier(new InjectionClassifierModel { EmbeddingModel = model.EmbeddingModel, Bias = model.Bias, Weights = model.Weights, SpanBias = model.Bias, SpanWeights = model.Weights }, classifier.Embeddings);
        var byMain = new List<DetectionMetrics>();
        for (var i = 0; i < files.Count; i++)
        {
            byMain.Add(DetectionMetrics.Of(await comparison.ScoreAsync(texts[i], cancellationToken), labels[i]));
        }

        result["spans_by_main_head"] = PerFile(files, byMain);
        return result;
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    private static JsonArray PerFile(IReadOnlyList<(string Name, (string Text, bool IsInjection)[] Rows)> files, IReadOnlyList<DetectionMetrics> metrics) =>
        [.. files.Select((f, i) => (JsonNode)new JsonObject { ["file"] = f.Name, ["figures"] = GuardTrainCommand.Figures(metrics[i]) })];
}
