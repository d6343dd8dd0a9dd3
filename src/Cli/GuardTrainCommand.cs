using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Declarative.Guards;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary>
/// <c>declarative guard train</c>: trains the injection classifier (logistic regression on all-MiniLM-L6-v2 embeddings, or
/// on those of the <c>--encoder</c> folder's model) on the training split of the generated corpus and reports the held-out
/// figures; <c>declarative guard evaluate</c> measures rules, classifier and both on a labelled JSONL file.
/// </summary>
internal static class GuardTrainCommand
{
    public static Command Train(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<string>("--out", "-o") { Description = "Where to write the weights (JSON).", Required = true };
        var seed = new Option<int>("--seed") { Description = "The corpus generator's seed.", DefaultValueFactory = _ => 1 };
        var perFamily = new Option<int>("--per-family") { Description = "Generated texts per family in the training split.", DefaultValueFactory = _ => 60 };
        var extra = new Option<string[]>("--extra")
        {
            Description = "More labelled training data: a JSONL file of {\"text\", \"label\"} (repeatable). Each file is one source; "
                + "sources weigh the same, and so do the two classes within each.",
            AllowMultipleArgumentsPerToken = false,
        };
        var exclude = new Option<string[]>("--exclude")
        {
            Description = "A JSONL file of texts that must not be trained on (repeatable): pass your evaluation sets, and any training text equal to one of theirs (after normalization) is dropped.",
        };
        var validation = new Option<string[]>("--validation")
        {
            Description = "A labelled JSONL file (not trained on) on which the operating point is chosen (repeatable): the bias is moved so that probability 0.5 is the threshold of best balanced accuracy (mean over the files) whose false-positive rate is at most --max-false-positives on each file.",
        };
        var spanHead = new Option<bool>("--span-head") { Description = "Also train the span head, which scores the sentences of texts longer than 40 words (calibrated after the main head on --validation)." };
        var spanWords = new Option<int>("--span-words") { Description = "The most words in one span of the span head (sentences are merged up to it).", DefaultValueFactory = _ => 40 };
        var spanExtraWeight = new Option<double>("--span-extra-weight") { Description = "Each --span-extra source's weight relative to one other source.", DefaultValueFactory = _ => 1.0 };
        var spanExtra = new Option<string[]>("--span-extra") { Description = "More labelled training data for the span head only (repeatable), e.g. injected instructions on their own." };
        var embeddingCache = new Option<string?>("--embedding-cache") { Description = "A file in which to keep the embeddings across runs (created if missing); only for the same embedding model (not with --encoder)." };
        var maxFalsePositives = new Option<double>("--max-false-positives") { Description = "The false-positive rate the --validation operating point may not exceed.", DefaultValueFactory = _ => 0.03 };
        var trustedValidation = new Option<string[]>("--trusted-validation")
        {
            Description = "A labelled JSONL file of users' own prompts (not trained on) on which the trusted-input threshold is chosen (repeatable): the smallest "
                + "classifier probability, from 0.5 up to 0.995 in steps of 0.005, at which each file, scored as trusted input (rules and classifier), has at most "
                + "--trusted-max-false-positives false positives. Written to the weights as trusted_threshold, which the guard pipeline, guard scan --trusted "
                + "and guard evaluate --trusted use for inputs not declared untrusted.",
        };
        var trustedMaxFalsePositives = new Option<double>("--trusted-max-false-positives") { Description = "The false-positive rate on each --trusted-validation file that the trusted-input threshold may not exceed.", DefaultValueFactory = _ => 0.03 };
        var mainHead = new Option<string?>("--main-head") { Description = "Keep the main head (weights and calibrated bias) of this weights file instead of training one, and its span and task heads unless --span-head or --task-head trains them anew (needs one of the two, or --recalibrate)." };
        var recalibrate = new Option<bool>("--recalibrate") { Description = "With --main-head: re-choose the kept main head's bias on the --validation files (as for a main head trained here), e.g. for a main head trained elsewhere; needs --main-head and --validation." };
        var writeTrainingSet = new Option<string?>("--write-training-set")
        {
            Description = "Also write the main head's training set to this file, one JSON line per example in training order: {\"text\" (normalized), \"label\": 1|0, \"weight\"} "
                + "(the per-example weights this run trains with: each class totals half the rows). To train another model, e.g. a fine-tuned encoder, "
                + "on exactly the same data, weights and exclusions; training then goes on as usual.",
        };
        var encoder = GuardCommand.EncoderOption();
        var taskHead = new Option<bool>("--task-head") { Description = "Also train the task head, which scores the request-like sentences of untrusted text (\"Write a script that…\", \"What is the capital of…?\") for being a request to an assistant; needs --task-positives and --task-negatives." };
        var taskPositives = new Option<string[]>("--task-positives") { Description = "A JSONL file of requests to an assistant, one per row, each labelled 1 (repeatable): the task head's positives; a row labelled benign is refused." };
        var taskNegatives = new Option<string[]>("--task-negatives") { Description = "A JSONL file of benign documents (repeatable): the request-like sentences of their benign rows are the task head's negatives." };
        var hiddenUnits = new Option<int>("--hidden") { Description = "Give the main head one hidden layer of this many ReLU units (a small neural network on the embedding) instead of a logistic regression; 0 (default) for a logistic regression.", DefaultValueFactory = _ => 0 };
        var headsFrom = new Option<string?>("--heads-from") { Description = "Keep the span and task heads of this weights file (unless --span-head or --task-head trains them anew) while this run trains the main head." };
        var generatedWeight = new Option<double>("--generated-weight") { Description = "The generated corpus's weight relative to one --extra source.", DefaultValueFactory = _ => 1.0 };
        var command = new Command("train", "Train the injection classifier on the generated corpus (and --extra sources); print the held-out figures as JSON.")
        {
            output, seed, perFamily, extra, exclude, generatedWeight, validation, maxFalsePositives, spanHead, spanExtra, spanExtraWeight, spanWords, embeddingCache, mainHead, taskHead, taskPositives, taskNegatives, hiddenUnits, headsFrom,
            encoder, writeTrainingSet, recalibrate, trustedValidation, trustedMaxFalsePositives,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var n = result.GetValue(perFamily);
            if (n < 3)
            {
                throw new CliException($"--per-family must be at least 3, not {n}.");
            }

            var encoderFolder = result.GetValue(encoder);
            var encoderOptions = GuardCommand.EncoderOptions(encoderFolder); // a missing folder or file fails before any work
            if (encoderOptions is not null && result.GetValue(embeddingCache) is not null)
            {
                throw new CliException("--embedding-cache keeps the embeddings of one model and does not record which; it cannot be combined with --encoder: drop --embedding-cache.");
            }

            var genWeight = result.GetValue(generatedWeight);
            if (!(genWeight > 0))
            {
                throw new CliException($"--generated-weight must be positive, not {genWeight}.");
            }

            var corpus = InjectionCorpus.Generate(result.GetValue(seed), n);
            var sources = new List<TrainingSource>
            {
                new("generated", $"InjectionCorpus.Generate(seed: {result.GetValue(seed)}, perFamily: {n}), train split", genWeight,
                    corpus.Where(e => e.Split == "train").Select(e => (e.Text, e.IsInjection)).ToList()),
            };
            foreach (var path in result.GetValue(extra) ?? [])
            {
                sources.Add(ReadSource(path));
            }

            var validationFiles = ReadLabelledFiles(result.GetValue(validation), "--validation");
            var trustedFiles = ReadLabelledFiles(result.GetValue(trustedValidation), "--trusted-validation");
            var trustedRate = result.GetValue(trustedMaxFalsePositives);
            if (trustedFiles.Length == 0 && result.GetResult(trustedMaxFalsePositives) is { Implicit: false })
            {
                throw new CliException("--trusted-max-false-positives bounds the false positives on --trusted-validation files; add --trusted-validation (or drop --trusted-max-false-positives).");
            }

            if (!(trustedRate is >= 0 and < 1))
            {
                throw new CliException($"--trusted-max-false-positives must be a rate from 0 up to 1 (0.03 for 3%), not {trustedRate}.");
            }

            if (trustedFiles.FirstOrDefault(f => f.Rows.All(r => r.IsInjection)) is { Name: not null } noBenign)
            {
                throw new CliException($"--trusted-validation '{noBenign.Name}' has no benign rows (label 0), so it cannot bound false positives; give users' prompts that are not attacks.");
            }

            var spanExtras = (result.GetValue(spanExtra) ?? []).Select(path => ReadSource(path, "--span-extra") with { Weight = result.GetValue(spanExtraWeight) }).ToList();
            var words = result.GetValue(spanWords);
            if (spanExtras.Count > 0 && !result.GetValue(spanHead))
            {
                throw new CliException("--span-extra trains the span head only; add --span-head (or drop --span-extra).");
            }

            if (words < 4 || !(result.GetValue(spanExtraWeight) > 0))
            {
                throw new CliException($"--span-words must be at least 4 (not {words}) and --span-extra-weight positive (not {result.GetValue(spanExtraWeight)}).");
            }

            var basePath = result.GetValue(mainHead);
            var recalibrateMain = result.GetValue(recalibrate);
            if (recalibrateMain && (basePath is null || validationFiles.Length == 0))
            {
                throw new CliException("--recalibrate re-chooses the bias of the main head kept with --main-head FILE on the --validation files; add "
                    + (basePath is null ? "--main-head" : "--validation") + " (or drop --recalibrate: a main head trained here is always calibrated on --validation).");
            }

            if (basePath is not null && !result.GetValue(spanHead) && !result.GetValue(taskHead) && !recalibrateMain && trustedFiles.Length == 0)
            {
                throw new CliException("--main-head keeps a trained main head and trains only the span or task head; add --span-head or --task-head, --recalibrate with --validation, or --trusted-validation (or drop --main-head).");
            }

            var taskPositiveFiles = result.GetValue(taskPositives) ?? [];
            var taskNegativeFiles = result.GetValue(taskNegatives) ?? [];
            if (result.GetValue(taskHead) != (taskPositiveFiles.Length > 0 && taskNegativeFiles.Length > 0))
            {
                throw new CliException("--task-head needs both --task-positives and --task-negatives, and they need --task-head.");
            }

            var units = result.GetValue(hiddenUnits);
            if (units < 0 || (units > 0 && (basePath is not null || result.GetValue(spanHead))))
            {
                throw new CliException(units < 0 ? $"--hidden must be 0 or more, not {units}." : "--hidden trains the main head: it cannot be combined with --main-head (which keeps one) or --span-head.");
            }

            var baseModel = basePath is null ? null : GuardCommand.ReadModel(RequireFile(basePath, "--main-head"), "--main-head");
            var headsPath = result.GetValue(headsFrom);
            if (headsPath is not null && basePath is not null)
            {
                throw new CliException("--heads-from keeps the span and task heads of a file while the main head is trained; --main-head keeps that file's heads already: give one of the two.");
            }

            var headsModel = headsPath is null ? null : GuardCommand.ReadModel(RequireFile(headsPath, "--heads-from"), "--heads-from");
            var excluded = (result.GetValue(exclude) ?? [])
                .SelectMany(path => GuardCommand.ReadJsonl(RequireFile(path, "--exclude")).Select(r => Key(r.Text)))
                .Concat(validationFiles.SelectMany(f => f.Rows).Select(r => Key(r.Text)))
                .Concat(trustedFiles.SelectMany(f => f.Rows).Select(r => Key(r.Text)))
                .ToHashSet(StringComparer.Ordinal);
            var heldOut = corpus.Where(e => e.Split == "test").Select(e => Key(e.Text)).ToHashSet(StringComparer.Ordinal);
            var set = TrainingSet.Build(sources, excluded, heldOut);
            if (result.GetValue(writeTrainingSet) is { } setPath)
            {
                await WriteTrainingSetAsync(set, setPath, cancellationToken);
                await stderr.WriteLineAsync($"wrote the {set.Texts.Count} training examples to {setPath}");
            }

            var taskSet = result.GetValue(taskHead) // built before any training, so that bad task data fails fast
                ? TaskTraining.Build(taskPositiveFiles.Select(path => ReadSource(path, "--task-positives")).ToList(), taskNegativeFiles.Select(path => ReadSource(path, "--task-negatives")).ToList(), excluded)
                : null;
            if (baseModel is not null)
            {
                await GuardCommand.WarnIfTrainedOnAnotherEncoderAsync(stderr, encoderFolder, baseModel, "--main-head");
            }

            if (headsModel is not null)
            {
                await GuardCommand.WarnIfTrainedOnAnotherEncoderAsync(stderr, encoderFolder, headsModel, "--heads-from");
            }

            var encoderName = encoderFolder is null ? "all-MiniLM-L6-v2" : GuardCommand.EncoderName(encoderFolder);
            await stderr.WriteLineAsync($"embedding {(baseModel is null ? set.Texts.Count : 0) + corpus.Count(e => e.Split == "test")} texts with {encoderName}…");
            using var onnx = GuardCommand.CreateEmbeddings(encoderFolder);
            var cachePath = result.GetValue(embeddingCache);
            var cache = cachePath is null ? null : new EmbeddingCache(onnx, cachePath);
            IEmbeddingGenerator<string, Embedding<float>> embeddings = cache ?? (IEmbeddingGenerator<string, Embedding<float>>)onnx;
            var embeddingModel = encoderFolder is null ? "sentence-transformers/all-MiniLM-L6-v2" : encoderName;
            var model = baseModel is null ? await TrainMainHeadAsync(embeddings, embeddingModel, set, units, cancellationToken)
                : new InjectionClassifierModel
                {
                    EmbeddingModel = baseModel.EmbeddingModel, Bias = baseModel.Bias, Weights = baseModel.Weights,
                    HiddenWeights = baseModel.HiddenWeights, HiddenBias = baseModel.HiddenBias,
                };

            // The other heads of the kept file (or of --heads-from) stay unless this run trains them anew.
            if ((baseModel ?? headsModel) is { } keep)
            {
                (model.SpanWeights, model.SpanBias, model.SpanWords) = (keep.SpanWeights, keep.SpanBias, keep.SpanWords);
                (model.TaskWeights, model.TaskBias) = (keep.TaskWeights, keep.TaskBias);
            }

            // ... and so do their descriptions (this run's replace them below when it trains them).
            if ((baseModel ?? headsModel) is { } described)
            {
                foreach (var head in new[] { "task_head", "span_corpus" })
                {
                    if (described.Training.TryGetValue(head, out var description))
                    {
                        model.Training[head] = description;
                    }
                }
            }

            if (headsModel is not null)
            {
                model.Training["heads_from"] = $"span and task heads kept from {Path.GetFileName(headsPath)} (sha256 {Sha256(headsPath!)}…)";
            }

            TrainingSet? spanSet = null;
            if (result.GetValue(spanHead))
            {
                var banned = new HashSet<string>(excluded, StringComparer.Ordinal);
                banned.UnionWith(heldOut);
                spanSet = TrainingSet.Build(SpanTraining.Sources(sources, spanExtras, banned, InjectionClassifier.DocumentWordsDefault, words), excluded, heldOut);
                await stderr.WriteLineAsync($"embedding {spanSet.Texts.Count} spans for the span head…");
                var (spanWeights, spanBias) = LogisticRegression.Train(await EmbedAsync(embeddings, spanSet.Texts, cancellationToken), spanSet.Labels, sampleWeights: spanSet.Weights);
                model.SpanWeights = spanWeights;
                model.SpanBias = spanBias;
                model.SpanWords = words;
            }

            if (taskSet is not null)
            {
                await stderr.WriteLineAsync($"embedding {taskSet.Texts.Count} sentences for the task head…");
                var (taskWeights, taskBias) = LogisticRegression.Train(await EmbedAsync(embeddings, taskSet.Texts, cancellationToken), taskSet.Labels);
                model.TaskWeights = taskWeights;
                model.TaskBias = taskBias;
            }

            var classifier = new InjectionClassifier(model, embeddings);
            var calibration = validationFiles.Length > 0 ? await Calibration.CalibrateAsync(classifier, validationFiles, result.GetValue(maxFalsePositives), calibrateMain: baseModel is null || recalibrateMain, cancellationToken) : null;
            // The trusted-input threshold belongs to the heads that score trusted text (main and span): a kept file's stays
            // only while both stay as they were; --trusted-validation chooses it anew.
            var headsKept = !recalibrateMain && !result.GetValue(spanHead) && (validationFiles.Length == 0 || model.SpanWeights is null); // --validation recalibrates a kept span head
            var keptTrusted = baseModel is not null && headsKept && trustedFiles.Length == 0 ? baseModel.TrustedThreshold : null;
            if (baseModel?.TrustedThreshold is not null && keptTrusted is null && trustedFiles.Length == 0)
            {
                await stderr.WriteLineAsync("warning: the trusted_threshold of --main-head's file was chosen for heads this run changes, so it is not kept; add --trusted-validation with users' prompts to choose one for these weights.");
            }

            // The model is new to this run (no trusted threshold yet): its classifier reads trusted inputs at 0.5.
            classifier = new InjectionClassifier(model, embeddings);
            var trustedCalibration = trustedFiles.Length > 0 ? await Calibration.CalibrateTrustedAsync(classifier, trustedFiles, trustedRate, cancellationToken) : null;
            model.TrustedThreshold = trustedCalibration is not null ? trustedCalibration["threshold"]!.GetValue<double>() : keptTrusted;

            var test = corpus.Where(e => e.Split == "test").ToArray();
            var labels = test.Select(e => e.IsInjection).ToArray();
            var classifierScores = await classifier.ScoreAsync(test.Select(e => TextNormalizer.Normalize(e.Text).Text).ToArray(), cancellationToken);
            var ruleScores = test.Select(e => InjectionDetector.DetectWithRules(e.Text).Score).ToArray();
            if (cache is not null)
            {
                await cache.SaveAsync(cancellationToken);
            }

            var summary = new JsonObject
            {
                ["corpus_seed"] = result.GetValue(seed),
                ["main_head"] = basePath is null ? "trained" : $"kept from {Path.GetFileName(basePath)}" + (recalibrateMain ? ", bias recalibrated" : string.Empty),
                ["train"] = baseModel is null ? set.Texts.Count : null,
                ["sources"] = baseModel is not null ? null : new JsonArray([.. set.Report.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["texts"] = r.Kept, ["injections"] = r.Injections, ["excluded"] = r.Excluded, ["duplicates"] = r.Duplicates, ["weight"] = r.Weight })]),
                ["span_sources"] = spanSet is null ? null : new JsonArray([.. spanSet.Report.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["texts"] = r.Kept, ["injections"] = r.Injections, ["duplicates"] = r.Duplicates, ["weight"] = r.Weight })]),
                ["test"] = test.Length,
                ["calibration"] = calibration,
                ["trusted_calibration"] = trustedCalibration,
                ["classifier"] = Figures(DetectionMetrics.Of(classifierScores, labels)),
                ["rules"] = Figures(DetectionMetrics.Of(ruleScores, labels)),
                ["combined"] = Figures(DetectionMetrics.Of(classifierScores.Zip(ruleScores, Math.Max).ToArray(), labels)),
            };
            model.Training["corpus"] = baseModel is not null ? baseModel.Training.GetValueOrDefault("corpus", "(not recorded)") : string.Join("; ", set.Report.Select(r => $"{r.Name}: {r.Description} ({r.Kept} texts, {r.Injections} injections, weight {r.Weight})"));
            model.Training["method"] = (baseModel is not null ? $"main head kept from {Path.GetFileName(basePath)} (sha256 {Sha256(basePath!)}…){(recalibrateMain ? ", its bias re-chosen on --validation (--recalibrate)" : string.Empty)}, which says: " + baseModel.Training.GetValueOrDefault("method", "(not recorded)") : (units > 0 ? $"one hidden layer of {units} ReLU units, full-batch Adam, 300 steps, lr 0.01, L2 1e-4, seed 1" : "logistic regression, L2 1e-3, 400 full-batch gradient steps, lr 2.0") + "; each source and each class within it weighted equally (times the source's weight); texts of the generated held-out split and of --exclude and --validation files dropped")
                + (spanSet is null ? string.Empty : $"; span head: logistic regression as above on {spanSet.Texts.Count} texts (each source's injections of at most {InjectionClassifier.DocumentWordsDefault} words, the spans of at most {words} words of its longer benign texts, and --span-extra files), calibrated after the main head");
            if (taskSet is not null)
            {
                model.Training["task_head"] = taskSet.Description;
                summary["task_head"] = taskSet.Description;
            }

            if (spanSet is not null)
            {
                model.Training["span_corpus"] = string.Join("; ", spanSet.Report.Select(r => $"{r.Name}: {r.Description} ({r.Kept} texts, {r.Injections} injections, weight {r.Weight})"));
            }

            // With --recalibrate the kept file's calibration no longer holds; this run's is recorded under "calibration".
            if (baseModel is not null && !recalibrateMain
                && (baseModel.Training.TryGetValue("calibration", out var baseCalibration) || baseModel.Training.TryGetValue("main_head_calibration", out baseCalibration)))
            {
                model.Training["main_head_calibration"] = baseCalibration;
            }

            if (calibration is not null)
            {
                model.Training["calibration"] = calibration.ToJsonString();
            }

            if (trustedCalibration is not null)
            {
                model.Training["trusted_calibration"] = trustedCalibration.ToJsonString();
            }
            else if (keptTrusted is not null && baseModel!.Training.TryGetValue("trusted_calibration", out var baseTrusted))
            {
                model.Training["trusted_calibration"] = baseTrusted;
            }

            model.Training["held_out"] = summary.ToJsonString();
            await File.WriteAllTextAsync(result.GetValue(output)!, JsonSerializer.Serialize(model), cancellationToken);
            await stdout.WriteLineAsync(summary.ToJsonString(JsonOutput.Options));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The comparison key of a text: normalized, lower-cased, whitespace collapsed.</summary>
    internal static string Key(string text) =>
        string.Join(' ', TextNormalizer.Normalize(text).Text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The labelled JSONL files given to <paramref name="option"/>, each named by its file name.</summary>
    private static (string Name, (string Text, bool IsInjection)[] Rows)[] ReadLabelledFiles(string[]? paths, string option) =>
        [.. (paths ?? []).Select(path => (Path.GetFileName(path), GuardCommand.ReadJsonl(RequireFile(path, option)).Select(row => (row.Text, Label(row.Label, path, row.Line))).ToArray()))];

    private static string RequireFile(string path, string option) =>
        File.Exists(path) ? path : throw new CliException($"{option} '{path}' does not exist.");

    private static TrainingSource ReadSource(string path, string option = "--extra")
    {
        var rows = GuardCommand.ReadJsonl(RequireFile(path, option)).Select(row => (row.Text, Label(row.Label, path, row.Line))).ToList();
        if (rows.Count == 0)
        {
            throw new CliException($"{option} '{path}' has no rows.");
        }

        return new TrainingSource(Path.GetFileName(path), $"{Path.GetFileName(path)} (sha256 {Sha256(path)}…)", 1.0, rows);
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)))[..16];

    /// <summary>
    /// Writes <paramref name="set"/> as JSONL, one <c>{"text", "label": 1|0, "weight"}</c> line per example in the set's
    /// order (<c>--write-training-set</c>); a file that cannot be written is a <see cref="CliException"/>.
    /// </summary>
    private static async Task WriteTrainingSetAsync(TrainingSet set, string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            for (var i = 0; i < set.Texts.Count; i++)
            {
                var row = new JsonObject { ["text"] = set.Texts[i], ["label"] = set.Labels[i] ? 1 : 0, ["weight"] = set.Weights[i] };
                await writer.WriteAsync((row.ToJsonString(JsonOutput.Options) + "\n").AsMemory(), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--write-training-set '{path}' could not be written: {ex.Message}");
        }
    }

    private static async Task<InjectionClassifierModel> TrainMainHeadAsync(IEmbeddingGenerator<string, Embedding<float>> embeddings, string embeddingModel, TrainingSet set, int units, CancellationToken cancellationToken)
    {
        var x = await EmbedAsync(embeddings, set.Texts, cancellationToken);
        if (units > 0)
        {
            var (hiddenWeights, hiddenBias, outputWeights, outputBias) = HiddenLayerNetwork.Train(x, set.Labels, units, set.Weights);
            return new InjectionClassifierModel { EmbeddingModel = embeddingModel, Bias = outputBias, Weights = outputWeights, HiddenWeights = hiddenWeights, HiddenBias = hiddenBias };
        }

        var (weights, bias) = LogisticRegression.Train(x, set.Labels, sampleWeights: set.Weights);
        return new InjectionClassifierModel { EmbeddingModel = embeddingModel, Bias = bias, Weights = weights };
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

    public static Command Evaluate(TextWriter stdout, TextWriter stderr)
    {
        var jsonl = new Option<string>("--jsonl") { Description = "A labelled JSONL file: {\"text\": …, \"label\": 1|0|true|false|\"injection\"|\"benign\"} per line.", Required = true };
        var rulesOnly = new Option<bool>("--rules-only") { Description = "Score with the rules only (no embedding model)." };
        var classifierPath = GuardCommand.ClassifierOption();
        var threshold = new Option<double>("--threshold") { Description = "The score from which a text is flagged.", DefaultValueFactory = _ => 0.5 };
        var trusted = GuardCommand.TrustedOption();
        var encoder = GuardCommand.EncoderOption();
        var stock = GuardCommand.StockEncoderOption();
        var maxFalsePositives = new Option<double?>("--max-false-positives")
        {
            Description = "Also choose the threshold for this file (your own traffic) whose false-positive rate is at most this rate (0 to 1): "
                + "the one with the best balanced accuracy when the file has injections, else the lowest (it flags the most). Printed as "
                + "\"operating_point\"; set it as GuardOptions.InjectionThreshold. Score the file in the role its texts have in your program (--trusted).",
        };
        var command = new Command("evaluate", "Measure the injection detector on a labelled JSONL file; print balanced accuracy and false-positive rate as JSON.")
        {
            jsonl, rulesOnly, classifierPath, threshold, trusted, maxFalsePositives, encoder, stock,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(jsonl)!;
            if (!File.Exists(path))
            {
                throw new CliException($"--jsonl '{path}' does not exist.");
            }

            var encoderFolder = GuardCommand.RefuseEncoderWithRulesOnly(result.GetValue(encoder), result.GetValue(rulesOnly), result.GetValue(stock));
            GuardCommand.EncoderOptions(encoderFolder); // a missing folder or file fails before any work
            var bound = result.GetValue(maxFalsePositives);
            if (bound is { } b && !(b >= 0 && b < 1))
            {
                throw new CliException($"--max-false-positives must be a rate from 0 up to 1 (0.03 for 3%), not {b}.");
            }

            var rows = GuardCommand.ReadJsonl(path).Select(row => (row.Text, Label: Label(row.Label, path, row.Line))).ToArray();
            if (bound is not null && !rows.Any(r => !r.Label))
            {
                throw new CliException($"--max-false-positives needs benign texts (label 0) in '{path}' to bound their false positives; add some of your own traffic.");
            }

            var labels = rows.Select(r => r.Label).ToArray();
            var limit = result.GetValue(threshold);
            var asTrusted = result.GetValue(trusted);
            var ruleScores = rows.Select(r => InjectionDetector.DetectWithRules(r.Text)).Select(r => (asTrusted ? r.ForTrustedText() : r).RuleScore).ToArray();
            var summary = new JsonObject { ["n"] = rows.Length, ["rules"] = Figures(DetectionMetrics.Of(ruleScores, labels, limit)) };
            var scores = ruleScores; // what the guard compares with its threshold: the detector's score, or the rules' alone
            if (!result.GetValue(rulesOnly))
            {
                using var loaded = await GuardCommand.LoadDetectorAsync(encoderFolder, result.GetValue(classifierPath), result.GetValue(stock), stderr);
                var detector = new InjectionDetector(loaded.Classifier);
                var reports = (await detector.DetectAsync(rows.Select(r => r.Text).ToArray(), asTrusted ? _ => false : null, cancellationToken)).Select(r => asTrusted ? r.ForTrustedText() : r).ToArray();
                summary["classifier"] = Figures(DetectionMetrics.Of(reports.Select(r => r.ClassifierScore ?? 0).ToArray(), labels, limit));
                scores = reports.Select(r => r.Score).ToArray();
                summary["combined"] = Figures(DetectionMetrics.Of(scores, labels, limit));
            }

            if (bound is { } rate)
            {
                var (chosen, metrics) = labels.Contains(true) ? OperatingPoint.Choose([(scores, labels)], rate) : (OperatingPoint.Lowest(scores, rate), null);
                var figures = metrics?[0] ?? DetectionMetrics.Of(scores, labels, chosen);
                summary["operating_point"] = new JsonObject
                {
                    ["max_false_positive_rate"] = rate,
                    ["threshold"] = Math.Round(chosen, 4),
                    ["met"] = figures.FalsePositiveRate <= rate,
                    ["scored"] = result.GetValue(rulesOnly) ? "rules" : "combined",
                    ["figures"] = Figures(figures),
                };
            }

            await stdout.WriteLineAsync(summary.ToJsonString(JsonOutput.Options));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The figures as JSON; a rate a file cannot have (no injections: no true positives; no benign texts: no false positives) is left out, not printed as 0.</summary>
    internal static JsonObject Figures(DetectionMetrics m)
    {
        var figures = new JsonObject();
        if (m.Positives > 0 && m.Negatives > 0)
        {
            figures["balanced_accuracy"] = Math.Round(m.BalancedAccuracy, 4);
        }

        if (m.Negatives > 0)
        {
            figures["false_positive_rate"] = Math.Round(m.FalsePositiveRate, 4);
        }

        if (m.Positives > 0)
        {
            figures["true_positive_rate"] = Math.Round(m.TruePositiveRate, 4);
        }

        figures["positives"] = m.Positives;
        figures["negatives"] = m.Negatives;
        return figures;
    }

    private static bool Label(JsonNode? label, string path, int line) => label switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<int>(out var i) && i is 0 or 1 => i == 1,
        JsonValue v when v.TryGetValue<string>(out var s) => s.ToLowerInvariant() switch
        {
            "1" or "injection" or "jailbreak" or "malicious" or "attack" or "true" => true,
            "0" or "benign" or "legitimate" or "safe" or "false" => false,
            _ => throw new CliException($"'{path}' line {line}: label '{s}' is not known; use 1/0, true/false, injection/benign."),
        },
        _ => throw new CliException($"'{path}' line {line} has no \"label\" (1/0, true/false, injection/benign)."),
    };

    private static async Task<float[][]> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> embeddings, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var generated = await embeddings.GenerateAsync(texts, cancellationToken: cancellationToken);
        return generated.Select(e => e.Vector.ToArray()).ToArray();
    }
}
