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

    /// <summary>The first and last trusted-input thresholds tried, and the step between them.</summary>
    private const double TrustedFrom = 0.5, TrustedTo = 0.995, TrustedStep = 0.005;

    /// <summary>
    /// Chooses the trusted-input threshold (<see cref="InjectionClassifier.TrustedThreshold"/>) of a calibrated classifier
    /// whose own is 0.5: the smallest of 0.500, 0.505, …, 0.995 at which each file, scored as trusted input (the rules'
    /// findings less the data-only kinds, and the main and span heads), has a false-positive rate of at most
    /// <paramref name="maxFalsePositives"/>. A text is flagged there when the rules score it 0.5 or more or the classifier's
    /// probability reaches the threshold.
    /// </summary>
    /// <exception cref="CliException">No threshold up to 0.995 meets the rate on some file.</exception>
    public static async Task<JsonObject> CalibrateTrustedAsync(InjectionClassifier classifier, IReadOnlyList<(string Name, (string Text, bool IsInjection)[] Rows)> files, double maxFalsePositives, CancellationToken cancellationToken)
    {
        // Each text's score on a scale where it is flagged at t exactly when it is flagged at t as a trusted input: +∞ when
        // the rules flag it (no t moves them; at +∞ only those are flagged), else the classifier's probability.
        var detector = new InjectionDetector(classifier);
        var scored = new List<(double[] Scores, bool[] Labels)>();
        foreach (var file in files)
        {
            var reports = await detector.DetectAsync(file.Rows.Select(r => r.Text).ToArray(), _ => false, cancellationToken).ConfigureAwait(false);
            scored.Add(([.. reports.Select(r => r.ForTrustedText().RuleScore >= 0.5 ? double.PositiveInfinity : r.ClassifierScore ?? 0)], [.. file.Rows.Select(r => r.IsInjection)]));
        }

        DetectionMetrics At(int file, double t) => DetectionMetrics.Of(scored[file].Scores, scored[file].Labels, t);
        double? chosen = null;
        var steps = (int)Math.Round((TrustedTo - TrustedFrom) / TrustedStep);
        for (var k = 0; k <= steps && chosen is null; k++)
        {
            var t = Math.Round(TrustedFrom + (k * TrustedStep), 3);
            if (Enumerable.Range(0, files.Count).All(i => At(i, t).FalsePositiveRate <= maxFalsePositives))
            {
                chosen = t;
            }
        }

        if (chosen is not { } threshold)
        {
            var worst = Enumerable.Range(0, files.Count).MaxBy(i => At(i, TrustedTo).FalsePositiveRate);
            var fp = At(worst, TrustedTo).FalsePositiveRate;
            var byRules = At(worst, double.PositiveInfinity).FalsePositiveRate;
            throw new CliException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"No trusted-input threshold up to {TrustedTo} keeps the false positives of --trusted-validation '{files[worst].Name}' at or below {maxFalsePositives}: ")
                + string.Create(System.Globalization.CultureInfo.InvariantCulture, $"at {TrustedTo} it flags {fp * 100:0.0}% of its benign rows ({byRules * 100:0.0}% by the rules alone, which the threshold does not move). Raise --trusted-max-false-positives, or check that file's labels."));
        }

        return new JsonObject
        {
            ["files"] = new JsonArray([.. files.Select(f => (JsonNode)f.Name)]),
            ["rule"] = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the smallest threshold from {TrustedFrom} to {TrustedTo} in steps of {TrustedStep} with false positives at most {maxFalsePositives} on each file, scored as trusted input"),
            ["threshold"] = threshold,
            ["per_file"] = new JsonArray([.. files.Select((f, i) => (JsonNode)new JsonObject { ["file"] = f.Name, ["at_0.5"] = GuardTrainCommand.Figures(At(i, 0.5)), ["at_threshold"] = GuardTrainCommand.Figures(At(i, threshold)) })]),
        };
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    private static JsonArray PerFile(IReadOnlyList<(string Name, (string Text, bool IsInjection)[] Rows)> files, IReadOnlyList<DetectionMetrics> metrics) =>
        [.. files.Select((f, i) => (JsonNode)new JsonObject { ["file"] = f.Name, ["figures"] = GuardTrainCommand.Figures(metrics[i]) })];
}
