using System.Globalization;

namespace Declarative.Guards;

/// <summary>
/// Scores texts for prompt injection: <see cref="InjectionRules"/> on the NFKC-normalized text (plus the invisible
/// characters removed), and, when given, an <see cref="InjectionClassifier"/>. The score is the larger of the two.
/// Thread-safe.
/// </summary>
/// <param name="classifier">The classifier, or <see langword="null"/> for rules only.</param>
public sealed class InjectionDetector(InjectionClassifier? classifier = null)
{
    /// <summary>The classifier in use, if any.</summary>
    public InjectionClassifier? Classifier { get; } = classifier;

    /// <summary>Scores one text with the rules only (no embedding call).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The report.</returns>
    public static InjectionReport DetectWithRules(string text) => Rules(text).Report;

    /// <summary>The rules' report and the normalized text they scanned (what the classifier scores too).</summary>
    private static (InjectionReport Report, NormalizedText Normalized) Rules(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = TextNormalizer.Normalize(text);
        var findings = new List<GuardFinding>(normalized.Removed);
        foreach (var finding in InjectionRules.Scan(normalized.Text))
        {
            // Offsets of rule hits are in the normalized text; map them back when nothing was removed before them.
            findings.Add(ToOriginal(normalized, text, finding));
        }

        findings.Sort((a, b) => a.Start.CompareTo(b.Start));
        var score = InjectionRules.Score(findings);
        return (new InjectionReport(score, score, null, findings), normalized);
    }

    /// <summary>Scores texts with the rules and, when configured, the classifier (one batched embedding call).</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">Stops the classifier.</param>
    /// <returns>One report per text, in order.</returns>
    public Task<IReadOnlyList<InjectionReport>> DetectAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        DetectAsync(texts, isData: null, cancellationToken);

    /// <summary>
    /// Scores texts (see <see cref="DetectAsync(IReadOnlyList{string}, CancellationToken)"/>); the classifier's task head
    /// reads only the texts <paramref name="isData"/> names (all when <see langword="null"/>): its finding is data-only,
    /// so for a trusted input it would be embedded and then dropped.
    /// </summary>
    internal async Task<IReadOnlyList<InjectionReport>> DetectAsync(IReadOnlyList<string> texts, Func<int, bool>? isData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ruled = texts.Select(Rules).ToArray();
        var reports = ruled.Select(r => r.Report).ToArray();
        if (Classifier is null || texts.Count == 0)
        {
            return reports;
        }

        var heads = await Classifier.ScoreHeadsAsync(ruled.Select(r => r.Normalized.Text).ToArray(), isData ?? (_ => true), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < reports.Length; i++)
        {
            var p = Math.Max(heads.Main[i], heads.Spans[i]);
            var findings = reports[i].Findings;
            var ruleScore = reports[i].RuleScore;
            if (heads.Tasks[i] is { P: >= 0.5 } task)
            {
                // A request to an assistant inside the text: evidence like the embedded-task rule's, data-only too.
                var found = ToOriginal(ruled[i].Normalized, texts[i], new GuardFinding(InjectionRules.EmbeddedTaskKind, task.Start, task.Length, $"task head probability {task.P:0.00}"));
                if (!findings.Any(f => f.Kind == InjectionRules.EmbeddedTaskKind && f.Start == found.Start))
                {
                    findings = [.. findings.Append(found).OrderBy(f => f.Start)];
                    ruleScore = InjectionRules.Score(findings);
                }
            }

            if (p >= 0.5)
            {
                findings = [.. findings, new GuardFinding("injection.classifier", 0, texts[i].Length, string.Create(CultureInfo.InvariantCulture, $"classifier probability {p:0.00}"))];
            }

            reports[i] = reports[i] with { Score = Math.Max(ruleScore, p), RuleScore = ruleScore, ClassifierScore = p, Findings = findings, TrustedThreshold = Classifier.TrustedThreshold };
        }

        return reports;
    }

    /// <summary>Scores one text (see <see cref="DetectAsync(IReadOnlyList{string}, CancellationToken)"/>).</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Stops the classifier.</param>
    /// <returns>The report.</returns>
    public async Task<InjectionReport> DetectAsync(string text, CancellationToken cancellationToken = default) =>
        (await DetectAsync([text], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// A finding's place in the original text: as found when normalization changed nothing; past removed invisible
    /// characters, both ends mapped back; where NFKC changed lengths ("…" → "..."), the found text is looked up in the
    /// original, and when it is not there the finding covers the whole text. Always within the text.
    /// </summary>
    private static GuardFinding ToOriginal(NormalizedText normalized, string original, GuardFinding finding)
    {
        if (normalized.Removed.Count == 0 && !normalized.Changed)
        {
            return finding;
        }

        if (normalized.Changed && finding.Start + finding.Length <= normalized.Text.Length)
        {
            var at = original.IndexOf(normalized.Text.Substring(finding.Start, finding.Length), StringComparison.Ordinal);
            return at >= 0 ? finding with { Start = at } : finding with { Start = 0, Length = original.Length };
        }

        var start = Math.Clamp(MapBack(normalized, finding.Start), 0, original.Length);
        var end = Math.Clamp(MapBack(normalized, finding.Start + finding.Length), start, original.Length);
        return finding with { Start = start, Length = end - start };
    }

    private static int MapBack(NormalizedText normalized, int start)
    {
        // Removed runs shift later text left; add back the removed lengths that precede the position. NFKC changes
        // are length-preserving for most text; where they are not, the offset is approximate (documented).
        var shift = 0;
        foreach (var removed in normalized.Removed)
        {
            if (removed.Start - shift <= start)
            {
                shift += removed.Length;
            }
        }

        return start + shift;
    }
}

/// <summary>The injection score of one text.</summary>
/// <param name="Score">The combined score in [0, 1]: the larger of <paramref name="RuleScore"/> and <paramref name="ClassifierScore"/>.</param>
/// <param name="RuleScore">The score of the findings: the rules', and a request sentence the classifier's task head found (<c>injection.embedded_task</c>).</param>
/// <param name="ClassifierScore">The classifier's probability (main and span heads), when a classifier ran; in the report
/// of <see cref="InjectionReport.ForTrustedText"/> no longer a probability but σ(logit p − logit t), t the trusted-input
/// threshold of the report it was made from, so that 0.5 is where p reaches t.</param>
/// <param name="Findings">What the rules (and the classifier, above 0.5) found.</param>
public sealed record InjectionReport(double Score, double RuleScore, double? ClassifierScore, IReadOnlyList<GuardFinding> Findings)
{
    /// <summary>
    /// The classifier probability from which <see cref="ForTrustedText"/> flags the text: the classifier's
    /// <see cref="InjectionClassifier.TrustedThreshold"/> (0.5, as for data, without a classifier or once the report is
    /// the trusted one).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 0.5 or not below 1.</exception>
    public double TrustedThreshold
    {
        get;
        init => field = value is >= 0.5 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(TrustedThreshold), value, "TrustedThreshold must be a probability from 0.5 up to, not including, 1.");
    } = 0.5;

    /// <summary>
    /// The report for a trusted input (a user's own request, not data), as the guard pipeline scores every input not
    /// declared untrusted: the kinds that mean injection only inside data (<see cref="InjectionRules.DataOnlyKinds"/>:
    /// "keep your answer short", "write a poem about the sea") are dropped, and the classifier's probability is read
    /// against <see cref="TrustedThreshold"/>: <see cref="ClassifierScore"/> becomes
    /// <c>σ(logit p − logit TrustedThreshold)</c>, which reaches 0.5 exactly where the probability reaches the threshold.
    /// The score is recomputed from both.
    /// </summary>
    /// <returns>This report when neither changes it, otherwise a new one (whose <see cref="TrustedThreshold"/> is 0.5, so
    /// that calling this again changes nothing).</returns>
    public InjectionReport ForTrustedText()
    {
        var rescale = ClassifierScore is not null && TrustedThreshold != 0.5;
        if (!rescale && !Findings.Any(f => InjectionRules.DataOnlyKinds.Contains(f.Kind)))
        {
            return this;
        }

        var kept = Findings.Where(f => !InjectionRules.DataOnlyKinds.Contains(f.Kind) && !(rescale && f.Kind == ClassifierKind)).ToList();
        var rules = InjectionRules.Score(kept);
        var classifier = ClassifierScore;
        if (rescale && ClassifierScore is { } p)
        {
            classifier = 1 / (1 + Math.Exp(-(Logit(p) - Logit(TrustedThreshold))));
            if (classifier >= 0.5 && Findings.FirstOrDefault(f => f.Kind == ClassifierKind) is { } found)
            {
                kept.Add(found with { Reason = string.Create(CultureInfo.InvariantCulture, $"classifier probability {p:0.00#}, at or above the trusted-input threshold {TrustedThreshold:0.00#}") });
            }
        }

        return new InjectionReport(Math.Max(rules, classifier ?? 0), rules, classifier, kept);
    }

    private const string ClassifierKind = "injection.classifier";

    private static double Logit(double p)
    {
        var q = Math.Clamp(p, 1e-12, 1 - 1e-12);
        return Math.Log(q / (1 - q));
    }
}
