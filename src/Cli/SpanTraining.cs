using Declarative.Guards;

namespace Declarative.Cli;

/// <summary>
/// The training sources of the span head (<c>guard train --span-head</c>), which scores the sentence-level spans of
/// long texts: from every source, its injections of at most <c>documentWords</c> words as they are, and the spans (of at
/// most <c>spanWords</c> words) of its benign texts longer than that (what the head sees in a clean document); plus the <c>--span-extra</c> sources whole.
/// Texts that the main set excludes are left out here too.
/// </summary>
internal static class SpanTraining
{
    public static List<TrainingSource> Sources(IEnumerable<TrainingSource> sources, IEnumerable<TrainingSource> spanExtras, IReadOnlySet<string> banned, int documentWords, int spanWords)
    {
        var result = new List<TrainingSource>();
        foreach (var source in sources)
        {
            var rows = new List<(string Text, bool IsInjection)>();
            foreach (var (text, isInjection) in source.Rows.Where(r => !banned.Contains(GuardTrainCommand.Key(r.Text))))
            {
                var normalized = TextNormalizer.Normalize(text).Text;
                var words = normalized.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
                if (isInjection && words <= documentWords)
                {
                    rows.Add((normalized, true));
                }
                else if (!isInjection && words > documentWords)
                {
                    rows.AddRange(TextSpans.Split(normalized, spanWords).Select(s => (s, false)));
                }
            }

            result.Add(source with { Name = source.Name + " (spans)", Rows = rows });
        }

        result.AddRange(spanExtras);
        return result;
    }
}
