using Declarative.Guards;

namespace Declarative.Cli;

/// <summary>
/// The task head's training sentences: every row of the positive files (requests to an assistant, taken whole; a row
/// labelled benign there is refused) and the
/// request-like sentences (<see cref="TaskSentences"/>) of the negative files' benign rows (documents' own prose); texts
/// of --exclude and --validation files are dropped, duplicates kept once. The two classes weigh the same.
/// </summary>
internal sealed record TaskTraining(IReadOnlyList<string> Texts, IReadOnlyList<bool> Labels, string Description)
{
    public static TaskTraining Build(IReadOnlyList<TrainingSource> positives, IReadOnlyList<TrainingSource> negatives, IReadOnlySet<string> excluded)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var texts = new List<string>();
        var labels = new List<bool>();
        void Add(string text, bool label)
        {
            var key = GuardTrainCommand.Key(text);
            if (!excluded.Contains(key) && seen.Add(key))
            {
                texts.Add(text);
                labels.Add(label);
            }
        }

        foreach (var source in positives)
        {
            for (var i = 0; i < source.Rows.Count; i++)
            {
                if (!source.Rows[i].IsInjection)
                {
                    // A benign row here would be trained as a request all the same: refuse it rather than guess.
                    throw new CliException($"--task-positives '{source.Name}' row {i + 1} is labelled benign, but every row of a --task-positives file is trained as a request to an assistant (the task head's positive class). Label the requests 1 (or \"injection\"), and pass benign documents with --task-negatives.");
                }

                Add(source.Rows[i].Text, true);
            }
        }

        var documents = 0;
        foreach (var row in negatives.SelectMany(s => s.Rows).Where(r => !r.IsInjection))
        {
            if (excluded.Contains(GuardTrainCommand.Key(row.Text)))
            {
                continue;
            }

            documents++;
            var text = TextNormalizer.Normalize(row.Text).Text;
            foreach (var (start, length) in TaskSentences.Find(text))
            {
                Add(text.Substring(start, length), false);
            }
        }

        if (labels.All(l => l) || labels.All(l => !l))
        {
            throw new CliException($"The task head needs both classes: {labels.Count(l => l)} requests from --task-positives and {labels.Count(l => !l)} request-like sentences in --task-negatives' {documents} benign documents.");
        }

        var description = $"logistic regression, L2 1e-3, 400 full-batch gradient steps, lr 2.0, classes weighted equally; {labels.Count(l => l)} requests from "
            + string.Join(", ", positives.Select(p => p.Description)) + $"; {labels.Count(l => !l)} request-like sentences of {documents} benign documents from "
            + string.Join(", ", negatives.Select(n => n.Description));
        return new TaskTraining(texts, labels, description);
    }
}
