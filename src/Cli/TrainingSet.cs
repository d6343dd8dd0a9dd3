using Declarative.Guards;

namespace Declarative.Cli;

/// <summary>One source of labelled training texts for <c>declarative guard train</c>.</summary>
/// <param name="Name">A short name (the generated corpus, or an --extra file's name).</param>
/// <param name="Description">Where the texts come from, recorded in the weights file.</param>
/// <param name="Weight">The source's total weight relative to the others.</param>
/// <param name="Rows">The texts and whether each is an injection.</param>
internal sealed record TrainingSource(string Name, string Description, double Weight, IReadOnlyList<(string Text, bool IsInjection)> Rows);

/// <summary>What one source contributed after exclusions and de-duplication.</summary>
internal sealed record TrainingSourceReport(string Name, string Description, double Weight, int Kept, int Injections, int Excluded, int Duplicates);

/// <summary>
/// The texts, labels and per-example weights the classifier is trained on: exact duplicates (after normalization)
/// kept once, evaluation texts dropped, every source weighing its <see cref="TrainingSource.Weight"/> with its two
/// classes weighing the same within it, and the whole scaled so that each class totals half the examples.
/// </summary>
internal sealed class TrainingSet
{
    private TrainingSet(List<string> texts, List<bool> labels, List<double> weights, List<TrainingSourceReport> report)
    {
        Texts = texts;
        Labels = labels;
        Weights = weights;
        Report = report;
    }

    public IReadOnlyList<string> Texts { get; }

    public IReadOnlyList<bool> Labels { get; }

    public IReadOnlyList<double> Weights { get; }

    public IReadOnlyList<TrainingSourceReport> Report { get; }

    /// <summary>Builds the set. <paramref name="excluded"/> and <paramref name="heldOut"/> hold comparison keys (see <see cref="GuardTrainCommand.Key"/>).</summary>
    public static TrainingSet Build(IReadOnlyList<TrainingSource> sources, IReadOnlySet<string> excluded, IEnumerable<string> heldOut)
    {
        var banned = new HashSet<string>(excluded, StringComparer.Ordinal);
        banned.UnionWith(heldOut);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var texts = new List<string>();
        var labels = new List<bool>();
        var weights = new List<double>();
        var report = new List<TrainingSourceReport>();
        foreach (var source in sources)
        {
            var kept = new List<(string Text, bool IsInjection)>();
            int excludedCount = 0, duplicates = 0;
            foreach (var row in source.Rows)
            {
                var key = GuardTrainCommand.Key(row.Text);
                if (banned.Contains(key))
                {
                    excludedCount++;
                }
                else if (!seen.Add(key))
                {
                    duplicates++;
                }
                else
                {
                    kept.Add(row);
                }
            }

            var positives = kept.Count(r => r.IsInjection);
            var negatives = kept.Count - positives;
            foreach (var (text, isInjection) in kept)
            {
                texts.Add(TextNormalizer.Normalize(text).Text);
                labels.Add(isInjection);
                weights.Add(source.Weight * 0.5 / (isInjection ? positives : negatives));
            }

            report.Add(new TrainingSourceReport(source.Name, source.Description, source.Weight, kept.Count, positives, excludedCount, duplicates));
        }

        if (!labels.Contains(true) || !labels.Contains(false))
        {
            throw new CliException("The training set needs both injections and benign texts; check the --extra files' labels.");
        }

        // Each class totals half the examples, so the learning rate means the same whatever the sources.
        var positiveTotal = weights.Where((_, i) => labels[i]).Sum();
        var negativeTotal = weights.Where((_, i) => !labels[i]).Sum();
        for (var i = 0; i < weights.Count; i++)
        {
            weights[i] *= texts.Count / 2.0 / (labels[i] ? positiveTotal : negativeTotal);
        }

        return new TrainingSet(texts, labels, weights, report);
    }
}
