using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Declarative.Guards;
using Declarative.Runtime.Onnx;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary>
/// <c>declarative guard train</c>: trains the injection classifier (logistic regression on all-MiniLM-L6-v2 embeddings)
/// on the training split of the generated corpus and reports the held-out figures; <c>declarative guard evaluate</c>
/// measures rules, classifier and both on a labelled JSONL file.
/// </summary>
internal static class GuardTrainCommand
{
    public static Command Train(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<string>("--out", "-o") { Description = "Where to write the weights (JSON).", Required = true };
        var seed = new Option<int>("--seed") { Description = "The corpus generator's seed.", DefaultValueFactory = _ => 1 };
        var perFamily = new Option<int>("--per-family") { Description = "Generated texts per family in the training split.", DefaultValueFactory = _ => 60 };
        var command = new Command("train", "Train the injection classifier on the generated corpus; print the held-out figures as JSON.") { output, seed, perFamily };
        command.SetAction(async (result, cancellationToken) =>
        {
            var n = result.GetValue(perFamily);
            if (n < 3)
            {
                throw new CliException($"--per-family must be at least 3, not {n}.");
            }

            var corpus = InjectionCorpus.Generate(result.GetValue(seed), n);
            await stderr.WriteLineAsync($"embedding {corpus.Count} texts with all-MiniLM-L6-v2…");
            using var embeddings = OnnxEmbeddings.Create();
            var vectors = await EmbedAsync(embeddings, corpus.Select(e => TextNormalizer.Normalize(e.Text).Text).ToArray(), cancellationToken);
            var train = Enumerable.Range(0, corpus.Count).Where(i => corpus[i].Split == "train").ToArray();
            var test = Enumerable.Range(0, corpus.Count).Where(i => corpus[i].Split == "test").ToArray();
            var (weights, bias) = LogisticRegression.Train(train.Select(i => vectors[i]).ToArray(), train.Select(i => corpus[i].IsInjection).ToArray());
            var model = new InjectionClassifierModel { EmbeddingModel = "sentence-transformers/all-MiniLM-L6-v2", Bias = bias, Weights = weights };
            var classifier = new InjectionClassifier(model, embeddings);
            var labels = test.Select(i => corpus[i].IsInjection).ToArray();
            var classifierScores = test.Select(i => classifier.Probability(vectors[i])).ToArray();
            var ruleScores = test.Select(i => InjectionDetector.DetectWithRules(corpus[i].Text).Score).ToArray();
            var summary = new JsonObject
            {
                ["corpus_seed"] = result.GetValue(seed),
                ["train"] = train.Length,
                ["test"] = test.Length,
                ["classifier"] = Figures(DetectionMetrics.Of(classifierScores, labels)),
                ["rules"] = Figures(DetectionMetrics.Of(ruleScores, labels)),
                ["combined"] = Figures(DetectionMetrics.Of(classifierScores.Zip(ruleScores, Math.Max).ToArray(), labels)),
            };
            model.Training["corpus"] = $"InjectionCorpus.Generate(seed: {result.GetValue(seed)}, perFamily: {n}), train split ({train.Length} texts)";
            model.Training["method"] = "logistic regression, class-balanced, L2 1e-3, 400 full-batch gradient steps, lr 2.0";
            model.Training["held_out"] = summary.ToJsonString();
            await File.WriteAllTextAsync(result.GetValue(output)!, JsonSerializer.Serialize(model), cancellationToken);
            await stdout.WriteLineAsync(summary.ToJsonString(JsonOutput.Options));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Corpus(TextWriter stdout)
    {
        var seed = new Option<int>("--seed") { Description = "The corpus generator's seed.", DefaultValueFactory = _ => 1 };
        var perFamily = new Option<int>("--per-family") { Description = "Generated texts per family in the training split.", DefaultValueFactory = _ => 60 };
        var split = new Option<string?>("--split") { Description = "Only train or test (held out); default both." };
        var command = new Command("corpus", "Print the generated injection corpus as JSONL: {\"text\", \"label\", \"split\", \"source\"}.") { seed, perFamily, split };
        command.SetAction(async (result, cancellationToken) =>
        {
            var only = result.GetValue(split);
            if (only is not (null or "train" or "test"))
            {
                throw new CliException($"--split '{only}' is not known; use train or test.");
            }

            foreach (var example in InjectionCorpus.Generate(result.GetValue(seed), Math.Max(3, result.GetValue(perFamily))).Where(e => only is null || e.Split == only))
            {
                var line = new JsonObject { ["text"] = example.Text, ["label"] = example.IsInjection ? 1 : 0, ["split"] = example.Split, ["source"] = example.Source };
                await stdout.WriteLineAsync(line.ToJsonString(JsonOutput.Options));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Evaluate(TextWriter stdout)
    {
        var jsonl = new Option<string>("--jsonl") { Description = "A labelled JSONL file: {\"text\": …, \"label\": 1|0|true|false|\"injection\"|\"benign\"} per line.", Required = true };
        var rulesOnly = new Option<bool>("--rules-only") { Description = "Score with the rules only (no embedding model)." };
        var classifierPath = new Option<string?>("--classifier") { Description = "Classifier weights (JSON from `guard train`); default the shipped ones." };
        var threshold = new Option<double>("--threshold") { Description = "The score from which a text is flagged.", DefaultValueFactory = _ => 0.5 };
        var command = new Command("evaluate", "Measure the injection detector on a labelled JSONL file; print balanced accuracy and false-positive rate as JSON.")
        {
            jsonl, rulesOnly, classifierPath, threshold,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(jsonl)!;
            if (!File.Exists(path))
            {
                throw new CliException($"--jsonl '{path}' does not exist.");
            }

            var rows = GuardCommand.ReadJsonl(path).Select((row, i) => (row.Text, Label: Label(row.Label, i + 1))).ToArray();
            var labels = rows.Select(r => r.Label).ToArray();
            var limit = result.GetValue(threshold);
            var ruleScores = rows.Select(r => InjectionDetector.DetectWithRules(r.Text).Score).ToArray();
            var summary = new JsonObject { ["n"] = rows.Length, ["rules"] = Figures(DetectionMetrics.Of(ruleScores, labels, limit)) };
            if (!result.GetValue(rulesOnly))
            {
                using var embeddings = OnnxEmbeddings.Create();
                var classifier = GuardCommand.LoadClassifier(result.GetValue(classifierPath), embeddings);
                var scores = await classifier.ScoreAsync(rows.Select(r => TextNormalizer.Normalize(r.Text).Text).ToArray(), cancellationToken);
                summary["classifier"] = Figures(DetectionMetrics.Of(scores, labels, limit));
                summary["combined"] = Figures(DetectionMetrics.Of(scores.Zip(ruleScores, Math.Max).ToArray(), labels, limit));
            }

            await stdout.WriteLineAsync(summary.ToJsonString(JsonOutput.Options));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static JsonObject Figures(DetectionMetrics m) => new()
    {
        ["balanced_accuracy"] = Math.Round(m.BalancedAccuracy, 4),
        ["false_positive_rate"] = Math.Round(m.FalsePositiveRate, 4),
        ["true_positive_rate"] = Math.Round(m.TruePositiveRate, 4),
        ["positives"] = m.Positives,
        ["negatives"] = m.Negatives,
    };

    private static bool Label(JsonNode? label, int line) => label switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<int>(out var i) && i is 0 or 1 => i == 1,
        JsonValue v when v.TryGetValue<string>(out var s) => s.ToLowerInvariant() switch
        {
            "1" or "injection" or "jailbreak" or "malicious" or "attack" or "true" => true,
            "0" or "benign" or "legitimate" or "safe" or "false" => false,
            _ => throw new CliException($"--jsonl line {line}: label '{s}' is not known; use 1/0, true/false, injection/benign."),
        },
        _ => throw new CliException($"--jsonl line {line} has no \"label\" (1/0, true/false, injection/benign)."),
    };

    private static async Task<float[][]> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> embeddings, string[] texts, CancellationToken cancellationToken)
    {
        var generated = await embeddings.GenerateAsync(texts, cancellationToken: cancellationToken);
        return generated.Select(e => e.Vector.ToArray()).ToArray();
    }
}
