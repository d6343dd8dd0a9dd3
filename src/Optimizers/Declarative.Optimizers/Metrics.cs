using Microsoft.Extensions.AI;

namespace Declarative.Optimizers;

/// <summary>
/// Built-in metrics, matching DSPy's <c>dspy.evaluate</c>: exact match (strict or normalized), SQuAD token F1 and the
/// LM-judged semantic F1. A label may hold one answer or a list of acceptable answers; the best one counts.
/// </summary>
public static class Metrics
{
    /// <summary>1 when the prediction's <paramref name="field"/> equals a label exactly (ordinal, after trimming surrounding whitespace), else 0.</summary>
    /// <param name="field">The output field, and the example's label of the same name.</param>
    /// <returns>The metric.</returns>
    public static Metric ExactMatch(string field = "answer")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        return Sync((example, prediction) =>
        {
            var predicted = TextNormalizer.ToText(prediction[field]).Trim();
            return TextNormalizer.References(example[field]).Any(r => string.Equals(r.Trim(), predicted, StringComparison.Ordinal));
        });
    }

    /// <summary>
    /// DSPy's <c>answer_exact_match</c>: 1 when the prediction's <paramref name="field"/> equals a label after
    /// normalization (Unicode NFD, lower case, punctuation and the articles a/an/the removed, whitespace collapsed), else 0.
    /// </summary>
    /// <param name="field">The output field, and the example's label of the same name.</param>
    /// <returns>The metric.</returns>
    public static Metric NormalizedExactMatch(string field = "answer")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        return Sync((example, prediction) =>
        {
            var predicted = TextNormalizer.Normalize(TextNormalizer.ToText(prediction[field]));
            return TextNormalizer.References(example[field]).Any(r => TextNormalizer.Normalize(r) == predicted);
        });
    }

    /// <summary>
    /// SQuAD token F1 (DSPy's <c>F1</c>): the harmonic mean of token precision and recall between the normalized
    /// prediction and the best-matching label; 0 when no token is shared.
    /// </summary>
    /// <param name="field">The output field, and the example's label of the same name.</param>
    /// <returns>The metric, between 0 and 1.</returns>
    public static Metric TokenF1(string field = "answer")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        return Sync((example, prediction) =>
        {
            var predicted = TextNormalizer.ToText(prediction[field]);
            return TextNormalizer.References(example[field]).Max(r => TokenF1Score(predicted, r));
        });
    }

    /// <summary>
    /// DSPy's <c>SemanticF1</c>: a judge model reads the question, the label and the prediction, lists their key ideas
    /// step by step and estimates recall (how much of the label the prediction covers) and precision (how much of the
    /// prediction is supported by the label); the score is their harmonic mean. The feedback holds both and the judge's reasoning.
    /// </summary>
    /// <param name="judge">The judge model.</param>
    /// <param name="questionField">The example's input that holds the question.</param>
    /// <param name="responseField">The output field judged, and the example's label of the same name.</param>
    /// <returns>The metric, between 0 and 1.</returns>
    public static Metric SemanticF1(IChatClient judge, string questionField = "question", string responseField = "response")
    {
        ArgumentNullException.ThrowIfNull(judge);
        return SemanticF1(new RunContext(judge), questionField, responseField);
    }

    /// <summary>DSPy's <c>SemanticF1</c>, with the judge's full run context (adapter, cache, trace).</summary>
    /// <param name="judge">The context the judge runs with.</param>
    /// <param name="questionField">The example's input that holds the question.</param>
    /// <param name="responseField">The output field judged, and the example's label of the same name.</param>
    /// <returns>The metric, between 0 and 1.</returns>
    public static Metric SemanticF1(RunContext judge, string questionField = "question", string responseField = "response")
    {
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentException.ThrowIfNullOrWhiteSpace(questionField);
        ArgumentException.ThrowIfNullOrWhiteSpace(responseField);
        return new SemanticF1Judge(judge, questionField, responseField).ScoreAsync;
    }

    /// <summary>A metric from a pass/fail function.</summary>
    /// <param name="metric">Returns whether the prediction passes.</param>
    /// <returns>The metric (1 for a pass, 0 for a fail).</returns>
    public static Metric FromDelegate(Func<Example, Prediction, bool> metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return Sync((e, p) => metric(e, p));
    }

    /// <summary>A metric from a scoring function.</summary>
    /// <param name="metric">Returns the score.</param>
    /// <returns>The metric.</returns>
    public static Metric FromDelegate(Func<Example, Prediction, double> metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return Sync((e, p) => metric(e, p));
    }

    /// <summary>A metric from a function that returns a score with feedback.</summary>
    /// <param name="metric">Returns the result.</param>
    /// <returns>The metric.</returns>
    public static Metric FromDelegate(Func<Example, Prediction, MetricResult> metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return Sync(metric);
    }

    /// <summary>A metric from an asynchronous function (one that calls a model or a service).</summary>
    /// <param name="metric">Returns the result.</param>
    /// <returns>The metric.</returns>
    public static Metric FromDelegate(Func<Example, Prediction, CancellationToken, Task<MetricResult>> metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return async (e, p, ct) => await metric(e, p, ct).ConfigureAwait(false);
    }

    /// <summary>SQuAD token F1 between two texts after normalization.</summary>
    internal static double TokenF1Score(string prediction, string reference)
    {
        var predicted = TextNormalizer.Tokenize(prediction);
        var expected = TextNormalizer.Tokenize(reference);
        var counts = expected.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var same = 0;
        foreach (var token in predicted)
        {
            if (counts.TryGetValue(token, out var left) && left > 0)
            {
                counts[token] = left - 1;
                same++;
            }
        }

        if (same == 0)
        {
            return 0; // DSPy gives 0 here even when both are empty
        }

        var precision = (double)same / predicted.Length;
        var recall = (double)same / expected.Length;
        return 2 * precision * recall / (precision + recall);
    }

    private static Metric Sync(Func<Example, Prediction, MetricResult> score) =>
        (example, prediction, cancellationToken) =>
        {
            ArgumentNullException.ThrowIfNull(example);
            ArgumentNullException.ThrowIfNull(prediction);
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(score(example, prediction));
        };
}
