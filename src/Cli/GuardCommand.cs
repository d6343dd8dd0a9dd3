using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Declarative.Guards;
using Declarative.Guards.Onnx;
using Declarative.Runtime.Onnx;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary>
/// <c>declarative guard</c>: <c>scan</c> prints one JSON line per text with its injection score and the findings (injection
/// rules, classifier, secrets, personal data); <c>redact</c> prints the text with secrets and personal data replaced;
/// <c>train</c> and <c>evaluate</c> (GuardTrainCommand.cs) make and measure the injection classifier.
/// </summary>
internal static class GuardCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr) => new("guard", "Scan texts for prompt injection, secrets and personal data; redact them; train the injection classifier.")
    {
        Scan(stdout, stderr),
        Redact(stdout),
        GuardTrainCommand.Train(stdout, stderr),
        GuardTrainCommand.Evaluate(stdout, stderr),
        GuardTrainCommand.Corpus(stdout),
    };

    private static Command Scan(TextWriter stdout, TextWriter stderr)
    {
        var (text, file, jsonl) = Inputs();
        var rulesOnly = new Option<bool>("--rules-only") { Description = "Score with the rules only (no embedding model)." };
        var threshold = new Option<double>("--threshold") { Description = "The injection score from which a text is flagged.", DefaultValueFactory = _ => 0.5 };
        var classifier = ClassifierOption();
        var trusted = TrustedOption();
        var encoder = EncoderOption();
        var stock = StockEncoderOption();
        var command = new Command("scan", "Print {\"injection_score\", \"flagged\", \"findings\": [{\"kind\", \"start\", \"length\"}]} per text as JSON lines; exit 1 when a text is flagged.")
        {
            text, file, jsonl, rulesOnly, threshold, classifier, trusted, encoder, stock,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var texts = ReadTexts(result.GetValue(text), result.GetValue(file), result.GetValue(jsonl));
            var limit = result.GetValue(threshold);
            if (limit is < 0 or > 1)
            {
                throw new CliException($"--threshold must be between 0 and 1, not {limit}.");
            }

            var encoderFolder = RefuseEncoderWithRulesOnly(result.GetValue(encoder), result.GetValue(rulesOnly), result.GetValue(stock));
            using var loaded = result.GetValue(rulesOnly) ? null : await LoadDetectorAsync(encoderFolder, result.GetValue(classifier), result.GetValue(stock), stderr);
            var detector = new InjectionDetector(loaded?.Classifier);
            var asTrusted = result.GetValue(trusted);
            IReadOnlyList<InjectionReport> reports = await detector.DetectAsync(texts, asTrusted ? _ => false : null, cancellationToken);
            if (asTrusted)
            {
                reports = reports.Select(r => r.ForTrustedText()).ToArray();
            }

            var flaggedAny = false;
            for (var i = 0; i < texts.Count; i++)
            {
                var flagged = reports[i].Score >= limit;
                flaggedAny |= flagged;
                var findings = new JsonArray();
                foreach (var f in reports[i].Findings.Concat(SensitiveDataScanner.Scan(texts[i])).OrderBy(f => f.Start))
                {
                    findings.Add(new JsonObject { ["kind"] = f.Kind, ["start"] = f.Start, ["length"] = f.Length });
                }

                var line = new JsonObject
                {
                    ["injection_score"] = Math.Round(reports[i].Score, 4),
                    ["flagged"] = flagged,
                    ["findings"] = findings,
                };
                if (reports[i].ClassifierScore is { } p)
                {
                    line["rule_score"] = Math.Round(reports[i].RuleScore, 4);
                    line["classifier_score"] = Math.Round(p, 4);
                }

                await stdout.WriteLineAsync(line.ToJsonString(JsonOutput.Options));
            }

            return flaggedAny ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The <c>--trusted</c> option of <c>guard scan</c> and <c>guard evaluate</c>.</summary>
    internal static Option<bool> TrustedOption() => new("--trusted")
    {
        Description = "Score the texts as trusted inputs (users' own requests, as the guard pipeline scores every input not declared untrusted): "
            + "the kinds that mean injection only inside data (directives about the answer, planted code, tasks such as 'write a poem') are left out, "
            + "and the classifier's probability is read against the weights' trusted-input threshold (trusted_threshold, from guard train --trusted-validation): "
            + "classifier_score is then sigmoid(logit p - logit threshold), 0.5 where the probability reaches the threshold. "
            + "Default: score them as untrusted data (documents, retrieved passages, tool results).",
    };

    /// <summary>The <c>--encoder</c> option of <c>guard scan</c>, <c>guard evaluate</c> and <c>guard train</c>.</summary>
    internal static Option<string?> EncoderOption() => new("--encoder")
    {
        Description = "A folder holding an encoder to embed with instead of the default (scan and evaluate: the tuned encoder of Declarative.Guards.Onnx; "
            + "train: the stock all-MiniLM-L6-v2), e.g. one fine-tuned on your data: its model.onnx "
            + "(a BERT-style encoder: inputs input_ids, attention_mask and token_type_ids, output last_hidden_state) and vocab.txt. "
            + "The folder's name is the encoder's name (recorded in the weights by `guard train`). Use classifier weights trained on it.",
    };

    /// <summary>The name of the encoder in <paramref name="folder"/>: the folder's name.</summary>
    internal static string EncoderName(string folder) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));

    /// <summary>
    /// The embedding options for <c>--encoder <paramref name="folder"/></c>: its <c>model.onnx</c> and <c>vocab.txt</c>
    /// (the generator names a <c>model.onnx</c> after its folder: <see cref="EncoderName"/>); <see langword="null"/> (the
    /// stock all-MiniLM-L6-v2) when <paramref name="folder"/> is.
    /// </summary>
    /// <exception cref="CliException">The folder, or one of its two files, is missing; the message names it.</exception>
    internal static OnnxEmbeddingOptions? EncoderOptions(string? folder)
    {
        if (folder is null)
        {
            return null;
        }

        if (!Directory.Exists(folder))
        {
            throw new CliException($"--encoder folder '{folder}' does not exist; give a folder holding the encoder's model.onnx and vocab.txt.");
        }

        var model = Path.Combine(folder, "model.onnx");
        var vocabulary = Path.Combine(folder, "vocab.txt");
        foreach (var path in new[] { model, vocabulary })
        {
            if (!File.Exists(path))
            {
                throw new CliException($"--encoder folder '{folder}' has no {Path.GetFileName(path)} ('{path}' is missing); the folder needs the encoder's model.onnx and vocab.txt.");
            }
        }

        return new OnnxEmbeddingOptions { ModelPath = model, VocabularyPath = vocabulary };
    }

    /// <summary>
    /// The embedding generator: the stock all-MiniLM-L6-v2 when <paramref name="encoderFolder"/> is <see langword="null"/>,
    /// else the encoder in that folder (<see cref="EncoderOptions"/>).
    /// </summary>
    /// <exception cref="CliException">The folder is incomplete, or its model or vocabulary does not load.</exception>
    internal static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddings(string? encoderFolder)
    {
        if (EncoderOptions(encoderFolder) is not { } options)
        {
            return OnnxEmbeddings.Create();
        }

        try
        {
            return OnnxEmbeddings.Create(options);
        }
        catch (OnnxModelLoadException ex)
        {
            throw new CliException($"--encoder '{encoderFolder}' does not load: {ex.Message}");
        }
    }

    /// <summary>
    /// Refuses <c>--encoder</c> or <c>--stock-encoder</c> with <c>--rules-only</c>, which embeds nothing, and the two
    /// encoder options together; returns the folder.
    /// </summary>
    internal static string? RefuseEncoderWithRulesOnly(string? encoderFolder, bool rulesOnly, bool stock = false) =>
        (encoderFolder is not null || stock) && rulesOnly
            ? throw new CliException($"{(stock ? "--stock-encoder" : "--encoder")} chooses what embeds for the classifier, which --rules-only leaves out; drop one of the two.")
            : encoderFolder is not null && stock
                ? throw new CliException("--encoder and --stock-encoder each choose the encoder; drop one of the two.")
                : encoderFolder;

    /// <summary>The <c>--classifier</c> option of <c>guard scan</c> and <c>guard evaluate</c>.</summary>
    internal static Option<string?> ClassifierOption() => new("--classifier")
    {
        Description = "Classifier weights (JSON from `guard train`); default the tuned detector's (or, with --stock-encoder or --encoder, the stock encoder's). "
            + "Without --encoder, weights trained on the tuned encoder are scored with it, and any others with the stock all-MiniLM-L6-v2.",
    };

    /// <summary>The <c>--stock-encoder</c> option of <c>guard scan</c> and <c>guard evaluate</c>.</summary>
    internal static Option<bool> StockEncoderOption() => new("--stock-encoder")
    {
        Description = "Score with the stock all-MiniLM-L6-v2 and its classifier (Declarative.Guards' InjectionClassifier.LoadDefault) instead of "
            + "the default, the tuned encoder of Declarative.Guards.Onnx and its classifier.",
    };

    /// <summary>An embedding generator and the classifier that scores its embeddings; disposing it frees the model.</summary>
    internal sealed record LoadedDetector(IEmbeddingGenerator<string, Embedding<float>> Embeddings, InjectionClassifier Classifier) : IDisposable
    {
        public void Dispose() => Embeddings.Dispose();
    }

    /// <summary>
    /// The encoder and classifier of <c>guard scan</c> and <c>guard evaluate</c>. By default the tuned detector
    /// (<see cref="InjectionEncoder"/>: the encoder and classifier of Declarative.Guards.Onnx); with
    /// <paramref name="classifierPath"/> alone, the encoder its weights record (the tuned one when they name it, else the
    /// stock all-MiniLM-L6-v2, on which `guard train` trains by default); with <paramref name="stock"/>, the stock encoder
    /// and (without <paramref name="classifierPath"/>) its shipped classifier; with <paramref name="encoderFolder"/>, that
    /// encoder and (without <paramref name="classifierPath"/>) the stock classifier, with a warning when the weights
    /// record another encoder.
    /// </summary>
    /// <exception cref="CliException">A file or folder is missing or bad, or the weights do not fit the encoder.</exception>
    internal static async Task<LoadedDetector> LoadDetectorAsync(string? encoderFolder, string? classifierPath, bool stock, TextWriter stderr)
    {
        var model = classifierPath is null ? null : ReadClassifierFile(classifierPath);
        var tuned = encoderFolder is null && !stock && (model is null || model.EmbeddingModel == InjectionEncoder.ModelId);
        var embeddings = tuned ? CreateTunedEmbeddings() : CreateEmbeddings(encoderFolder);
        try
        {
            var classifier = tuned && model is null ? InjectionEncoder.LoadClassifier(embeddings) : LoadClassifier(classifierPath, model, embeddings);
            var which = classifierPath is null ? "shipped" : "--classifier";
            await WarnIfTrainedOnAnotherEncoderAsync(stderr, encoderFolder, classifier.Model, which);
            if (encoderFolder is null && embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId is { } id
                && classifier.Model.EmbeddingModel.Length > 0 && !string.Equals(classifier.Model.EmbeddingModel, id, StringComparison.Ordinal))
            {
                await stderr.WriteLineAsync($"warning: the {which} weights were trained on {classifier.Model.EmbeddingModel}'s embeddings, not on {id}'s, which scores them here; "
                    + (stock ? "their scores mean little (drop --stock-encoder, or train weights on the stock encoder with `guard train`)."
                        : "their scores mean little (give --encoder with the encoder they were trained on)."));
            }

            return new LoadedDetector(embeddings, classifier);
        }
        catch
        {
            embeddings.Dispose();
            throw;
        }
    }

    private static IEmbeddingGenerator<string, Embedding<float>> CreateTunedEmbeddings()
    {
        try
        {
            return InjectionEncoder.Create();
        }
        catch (OnnxModelLoadException ex)
        {
            throw new CliException($"the tuned injection encoder does not load: {ex.Message} (use --stock-encoder to score with the stock all-MiniLM-L6-v2).");
        }
    }

    /// <summary>
    /// With <c>--encoder</c>, warns on <paramref name="stderr"/> when <paramref name="model"/> records another embedding model
    /// than the encoder's name: its heads were trained on other embeddings (harmless only when the two are the same encoder).
    /// <paramref name="which"/> names the weights: <c>shipped</c>, or the option that gave them.
    /// </summary>
    internal static async Task WarnIfTrainedOnAnotherEncoderAsync(TextWriter stderr, string? encoderFolder, InjectionClassifierModel model, string which)
    {
        if (encoderFolder is not null && !string.Equals(model.EmbeddingModel, EncoderName(encoderFolder), StringComparison.Ordinal))
        {
            await stderr.WriteLineAsync($"warning: the {which} weights were trained on {(model.EmbeddingModel.Length > 0 ? model.EmbeddingModel : "an unrecorded model")}'s embeddings, "
                + $"not on --encoder {EncoderName(encoderFolder)}'s; their scores mean little unless it is the same encoder (train weights with `guard train --encoder`).");
        }
    }

    private static Command Redact(TextWriter stdout)
    {
        var (text, file, _) = Inputs();
        var command = new Command("redact", "Print the text with secrets and personal data replaced by [REDACTED:kind].") { text, file };
        command.SetAction(result =>
        {
            var texts = ReadTexts(result.GetValue(text), result.GetValue(file), null);
            stdout.Write(Redactor.Redact(texts[0]).Text);
            if (result.GetValue(text) is not null)
            {
                stdout.WriteLine();
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The stock encoder's shipped classifier when <paramref name="model"/> is <see langword="null"/>, else the weights
    /// read from the <c>--classifier</c> file <paramref name="path"/> (named in the errors).
    /// </summary>
    private static InjectionClassifier LoadClassifier(string? path, InjectionClassifierModel? model, IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        if (model is null)
        {
            try
            {
                return RequireWidth(InjectionClassifier.LoadDefault(embeddings), embeddings, "the shipped");
            }
            catch (ArgumentException ex)
            {
                throw new CliException($"the stock encoder's shipped weights do not fit this encoder: {ex.Message}");
            }
        }

        InjectionClassifier classifier;
        try
        {
            classifier = new InjectionClassifier(model, embeddings);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--classifier file '{path}' is not classifier weights: {ex.Message}");
        }

        return RequireWidth(classifier, embeddings, $"the --classifier '{path}'");
    }

    /// <summary>
    /// Refuses weights made for embeddings of another width than the generator's (an <c>--encoder</c> of another size),
    /// which would otherwise fail at the first text scored, as an unhandled error.
    /// </summary>
    private static InjectionClassifier RequireWidth(InjectionClassifier classifier, Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> embeddings, string which)
    {
        var model = classifier.Model;
        var width = classifier.Dimensions;
        if (embeddings.GetService<EmbeddingGeneratorMetadata>() is { DefaultModelDimensions: { } dimensions, DefaultModelId: var id } && dimensions != width)
        {
            throw new CliException($"{which} weights take embeddings of {width} dimensions ({(model.EmbeddingModel.Length > 0 ? model.EmbeddingModel : "model not recorded")}), but {id} makes {dimensions}; "
                + "give --classifier weights trained on this encoder (`guard train --encoder`), or use the encoder they were trained on.");
        }

        return classifier;
    }

    /// <summary>Reads the <c>--classifier</c> file; a missing or bad file is a <see cref="CliException"/> that names it.</summary>
    private static InjectionClassifierModel ReadClassifierFile(string path) =>
        File.Exists(path)
            ? ReadModel(path, "--classifier")
            : throw new CliException($"--classifier file '{path}' does not exist; make one with `declarative guard train --out FILE`.");

    /// <summary>Reads classifier weights written by <c>guard train</c>; a bad file is a <see cref="CliException"/> naming <paramref name="option"/>.</summary>
    internal static InjectionClassifierModel ReadModel(string path, string option)
    {
        try
        {
            var model = JsonSerializer.Deserialize<InjectionClassifierModel>(File.ReadAllText(path))
                ?? throw new CliException($"{option} file '{path}' is empty.");
            return model.Weights.Length > 0 ? model : throw new CliException($"{option} file '{path}' has no weights; make one with `declarative guard train --out FILE`.");
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new CliException($"{option} file '{path}' is not classifier weights: {ex.Message}");
        }
    }

    internal static (Option<string?> Text, Option<string?> File, Option<string?> Jsonl) Inputs() =>
    (
        new Option<string?>("--text", "-t") { Description = "The text." },
        new Option<string?>("--file", "-f") { Description = "A file whose whole content is one text." },
        new Option<string?>("--jsonl") { Description = "A JSONL file: one JSON string, or object with a \"text\" field, per line." }
    );

    internal static IReadOnlyList<string> ReadTexts(string? text, string? file, string? jsonl)
    {
        if ((text is null ? 0 : 1) + (file is null ? 0 : 1) + (jsonl is null ? 0 : 1) != 1)
        {
            throw new CliException("give exactly one of --text \"…\", --file FILE or --jsonl FILE.");
        }

        if (text is not null)
        {
            return [text];
        }

        var path = file ?? jsonl!;
        if (!File.Exists(path))
        {
            throw new CliException($"{(file is null ? "--jsonl" : "--file")} '{path}' does not exist.");
        }

        if (file is not null)
        {
            return [File.ReadAllText(path)];
        }

        return ReadJsonl(path).Select(row => row.Text).ToArray();
    }

    /// <summary>Reads a JSONL file of strings or objects with <c>text</c> (and, for evaluation, <c>label</c>).</summary>
    internal static IEnumerable<(string Text, JsonNode? Label, int Line)> ReadJsonl(string path)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new CliException($"'{path}' line {number} is not valid JSON: {ex.Message}");
            }

            yield return node switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) => (s, null, number),
                JsonObject o when o["text"] is JsonValue t && t.TryGetValue<string>(out var s) => (s, o["label"], number),
                _ => throw new CliException($"'{path}' line {number} must be a JSON string or an object with a \"text\" string."),
            };
        }
    }
}
