using System.Globalization;

namespace Declarative.Optimizers;

/// <summary>The LM judge behind <see cref="Metrics.SemanticF1(RunContext, string, string)"/>.</summary>
internal sealed class SemanticF1Judge(RunContext context, string questionField, string responseField)
{
    private static readonly Signature JudgeSignature = Signature.Parse(
        "question: str, ground_truth: str, system_response: str -> recall: float, precision: float",
        "Judge how well a system's response matches the ground truth for a question. List the key ideas of each text and "
        + "check which appear in the other. recall is the fraction (0 to 1) of the ground truth's key ideas found in the "
        + "system response; precision is the fraction (0 to 1) of the system response's key ideas supported by the ground truth.");

    private readonly ChainOfThought judge = new(JudgeSignature);

    public async ValueTask<MetricResult> ScoreAsync(Example example, Prediction prediction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(prediction);
        var inputs = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["question"] = TextNormalizer.ToText(example[questionField]),
            ["ground_truth"] = TextNormalizer.ToText(example[responseField]),
            ["system_response"] = TextNormalizer.ToText(prediction[responseField]),
        };
        var verdict = await judge.InvokeAsync(inputs, context, cancellationToken: cancellationToken).ConfigureAwait(false);
        var recall = Clamp(Convert.ToDouble(verdict["recall"], CultureInfo.InvariantCulture));
        var precision = Clamp(Convert.ToDouble(verdict["precision"], CultureInfo.InvariantCulture));
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        var feedback = string.Create(CultureInfo.InvariantCulture, $"recall {recall:0.###}, precision {precision:0.###}");
        if (!string.IsNullOrWhiteSpace(verdict.Reasoning))
        {
            feedback += ": " + verdict.Reasoning;
        }

        return new MetricResult(f1, feedback);
    }

    private static double Clamp(double value) => double.IsNaN(value) ? 0 : Math.Clamp(value, 0, 1);
}
