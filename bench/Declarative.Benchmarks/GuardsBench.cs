using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Declarative.Guards;
using Declarative.Guards.Onnx;
using Declarative.Runtime.Onnx;

namespace Declarative.Benchmarks;

/// <summary>
/// The guards' figures: the injection detector (rules, classifier, both; by default the tuned detector of
/// Declarative.Guards.Onnx, with <c>--stock</c> the stock all-MiniLM-L6-v2 and its shipped classifier) on the held-out split of the generated
/// corpus and, with <c>--public FILE.jsonl</c> (repeatable; documents, scored as untrusted data) or <c>--public-prompts
/// FILE.jsonl</c> (users' prompts, scored as trusted inputs: no data-only rule kinds), on public labelled corpora (<c>--classifier FILE</c> scores with
/// other weights than the shipped ones; <c>--encoder DIR</c> embeds with the <c>model.onnx</c> and <c>vocab.txt</c> in DIR, e.g. a fine-tuned
/// encoder, instead of all-MiniLM-L6-v2, for the detector's figures and the classifier's cost); recall of the secret and PII scanner on
/// generated realistic fakes of every format (and how many checksum-failing digit runs it wrongly reports); the cost of
/// rules plus redaction on a 2 KB text (median and p99 per call).
/// </summary>
internal static class GuardsBench
{
    public static int Run(string[] args)
    {
        var publicCorpora = new List<(string Path, bool Trusted)>();
        string? classifierPath = null;
        string? encoder = null;
        var stock = false;
        var perFormat = 200;
        var iterations = 20000;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--public": publicCorpora.Add((args[++i], false)); break;
                case "--public-prompts": publicCorpora.Add((args[++i], true)); break;
                case "--classifier": classifierPath = args[++i]; break;
                case "--encoder": encoder = args[++i]; break;
                case "--stock": stock = true; break;
                case "--per-format": perFormat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--iterations": iterations = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--overhead-only": break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        if (encoder is not null && (!File.Exists(Path.Combine(encoder, "model.onnx")) || !File.Exists(Path.Combine(encoder, "vocab.txt"))))
        {
            Console.Error.WriteLine($"--encoder {encoder}: the folder needs model.onnx and vocab.txt ({(Directory.Exists(encoder) ? "missing: " + string.Join(", ", new[] { "model.onnx", "vocab.txt" }.Where(f => !File.Exists(Path.Combine(encoder, f)))) : "no such folder")})");
            return 2;
        }

        if (encoder is not null && stock)
        {
            Console.Error.WriteLine("--encoder and --stock each choose the encoder; drop one of the two.");
            return 2;
        }

        if (!args.Contains("--overhead-only"))
        {
            Detector(publicCorpora, classifierPath, encoder, stock);
            Recall(perFormat);
        }

        Overhead(iterations);
        ClassifierCost(encoder, stock);
        return 0;
    }

    /// <summary>
    /// The encoder and classifier measured, chosen as <c>declarative guard scan</c> chooses them: by default the tuned
    /// encoder and classifier of Declarative.Guards.Onnx; <c>--classifier FILE</c> alone with the encoder its weights record
    /// (the tuned one, else the stock one); <c>--stock</c> the stock all-MiniLM-L6-v2 (and its shipped classifier);
    /// <c>--encoder DIR</c> the encoder in DIR (and the stock classifier unless <c>--classifier</c>).
    /// </summary>
    private static (Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> Embeddings, InjectionClassifier Classifier, string Name) Load(string? classifierPath, string? encoder, bool stock)
    {
        var model = classifierPath is null ? null : System.Text.Json.JsonSerializer.Deserialize<InjectionClassifierModel>(File.ReadAllText(classifierPath))!;
        var tuned = encoder is null && !stock && (model is null || model.EmbeddingModel == InjectionEncoder.ModelId);
        var embeddings = tuned ? InjectionEncoder.Create() : Embeddings(encoder);
        var classifier = model is not null ? new InjectionClassifier(model, embeddings) : tuned ? InjectionEncoder.LoadClassifier(embeddings) : InjectionClassifier.LoadDefault(embeddings);
        var name = $"classifier: {classifierPath ?? (tuned ? "the tuned detector's" : "shipped weights")}, encoder: {encoder ?? (tuned ? InjectionEncoder.ModelId : "stock all-MiniLM-L6-v2")}";
        return (embeddings, classifier, name);
    }

    /// <summary>
    /// The sentence encoder: all-MiniLM-L6-v2, or with <c>--encoder DIR</c> the <c>model.onnx</c> and <c>vocab.txt</c> in DIR
    /// (named after the folder, as the generator names a <c>model.onnx</c>; as <c>declarative guard … --encoder</c> builds it).
    /// </summary>
    private static Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> Embeddings(string? encoder) =>
        OnnxEmbeddings.Create(encoder is null ? null : new OnnxEmbeddingOptions
        {
            ModelPath = Path.Combine(encoder, "model.onnx"),
            VocabularyPath = Path.Combine(encoder, "vocab.txt"),
        });

    private static void Detector(List<(string Path, bool Trusted)> publicCorpora, string? classifierPath, string? encoder, bool stock)
    {
        var test = InjectionCorpus.Generate().Where(e => e.Split == "test").ToArray();
        var (embeddings, classifier, measured) = Load(classifierPath, encoder, stock);
        using var disposeEmbeddings = embeddings;
        Console.WriteLine(measured);
        Report("held-out split", test.Select(e => e.Text).ToArray(), test.Select(e => e.IsInjection).ToArray(), classifier, trusted: false);
        Report("held-out split, as trusted inputs", test.Select(e => e.Text).ToArray(), test.Select(e => e.IsInjection).ToArray(), classifier, trusted: true);
        foreach (var (path, trusted) in publicCorpora)
        {
            var rows = File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)!).ToArray();
            var name = Path.GetFileName(path) + (trusted ? ", as trusted inputs" : ", as untrusted data");
            Report(name, rows.Select(r => r["text"]!.GetValue<string>()).ToArray(), rows.Select(r => r["label"]!.GetValue<int>() == 1).ToArray(), classifier, trusted);
        }
    }

    private static void Report(string name, string[] texts, bool[] labels, InjectionClassifier classifier, bool trusted)
    {
        var rules = texts.Select(t => InjectionDetector.DetectWithRules(t)).Select(r => (trusted ? r.ForTrustedText() : r).RuleScore).ToArray();
        var reports = new InjectionDetector(classifier).DetectAsync(texts, trusted ? _ => false : null, CancellationToken.None).GetAwaiter().GetResult().Select(r => trusted ? r.ForTrustedText() : r).ToArray();
        var model = reports.Select(r => r.ClassifierScore ?? 0).ToArray();
        var both = reports.Select(r => r.Score).ToArray();
        Console.WriteLine($"detector on {name}: {labels.Count(l => l)} attacks, {labels.Count(l => !l)} benign (threshold 0.5)");
        foreach (var (label, scores) in new[] { ("rules", rules), ("classifier", model), ("rules + classifier", both) })
        {
            var m = DetectionMetrics.Of(scores, labels);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-20} balanced accuracy {m.BalancedAccuracy:0.000}  FPR {m.FalsePositiveRate:0.000}  TPR {m.TruePositiveRate:0.000}  (false positives {m.FalsePositiveRate * labels.Count(l => !l):0}, true positives {m.TruePositiveRate * labels.Count(l => l):0})"));
        }
    }

    private static void Recall(int perFormat)
    {
        var random = new Random(11);
        var formats = FakeData.Formats;
        var total = 0;
        var found = 0;
        Console.WriteLine($"scanner recall, {perFormat} generated values per format, each in a sentence:");
        foreach (var (kind, make) in formats)
        {
            var hits = 0;
            for (var i = 0; i < perFormat; i++)
            {
                var value = make(random);
                var text = $"As discussed, the value is {value} and nothing else.";
                var start = text.IndexOf(value, StringComparison.Ordinal);
                var findings = SensitiveDataScanner.Scan(text);
                hits += findings.Any(f => f.Kind == kind && f.Start == start && f.Length == value.Length) ? 1 : 0;
            }

            total += perFormat;
            found += hits;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind,-26} {hits}/{perFormat}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  overall recall {(double)found / total:0.0000} ({found}/{total})"));
        int wrongCards = 0, wrongIbans = 0, cards = 0, ibans = 0;
        for (var i = 0; i < perFormat; i++)
        {
            var card = FakeData.Card(random);
            var broken = card[..^1] + (char)('0' + ((card[^1] - '0' + 1 + random.Next(9)) % 10));
            cards++;
            wrongCards += SensitiveDataScanner.Scan($"ref {broken} end").Any(f => f.Kind == "pii.credit_card") ? 1 : 0;
            var iban = FakeData.Iban(random);
            var brokenIban = iban[..^1] + (char)('0' + ((iban[^1] - '0' + 1 + random.Next(9)) % 10));
            ibans++;
            wrongIbans += SensitiveDataScanner.Scan($"ref {brokenIban} end").Any(f => f.Kind == "pii.iban") ? 1 : 0;
        }

        Console.WriteLine($"  checksum-failing values reported: cards {wrongCards}/{cards}, IBANs {wrongIbans}/{ibans}");
    }

    /// <summary>
    /// Rules and redaction on two 2 KB texts: the generated document (secrets and personal data in prose) and an ordinary
    /// e-mail thread full of the words that let the sentence rules run ("your answer", "reply", "write", "explain",
    /// "letters", "user", "system"), with no injection: most rules are skipped by their anchor words, so the second text
    /// is the costlier case for benign mail.
    /// </summary>
    private static void Overhead(int iterations)
    {
        foreach (var (name, text) in new[] { ("generated document", FakeData.Document(2048)), ("e-mail thread", EmailThread) })
        {
            Console.WriteLine($"overhead on a {Encoding.UTF8.GetByteCount(text)}-byte text, {name} ({SensitiveDataScanner.Scan(text).Count} findings), {iterations} calls each:");
            Time("rules only", text, iterations, t => InjectionDetector.DetectWithRules(t));
            Time("redaction only", text, iterations, t => Redactor.Redact(t));
            Time("rules + redaction", text, iterations, Once);
        }
    }

    private const string EmailThread =
        "Hi Maria,\n\nThanks for your answer about the quarterly letters. The team reviewed the characters in the brand guide and "
        + "found that the vowels in the logo need more contrast. Please send your response by Friday, and include the budget table. "
        + "We will talk about it on Monday; you can reply to this message or call me. Could you also write a short summary of the "
        + "user interviews? Explain what changed since March: the system now saves drafts every minute, and the support team says "
        + "the new editor is easier to use. Provide the numbers if you have them.\n\nThe following code block in the handbook is "
        + "out of date, so we removed it. Your reply to the vendor was perfect. They asked whether we can describe the process in "
        + "a page or two; I said yes. Draft a plan when you can, but there is no rush.\n\nBest,\nTom\n\n"
        + "On Tuesday, Maria wrote:\n> Thanks, Tom. I read your notes twice. The letters to the partners went out yesterday, and "
        + "the answers are coming in. Most of them like the new format; two asked for a printed copy. I will translate the summary "
        + "for the Lisbon office next week. What is the deadline for the annual report? I would like to write the introduction "
        + "myself and explain the changes to the pricing. The design team wants to compare two layouts before they decide. "
        + "Also, the system administrator will restart the servers on Saturday night, so the portal will be down for an hour. "
        + "Users were told by e-mail. If you need anything from me, just reply here.\n> Maria\n\n"
        + "On Monday, Tom wrote:\n> Hi all, a reminder that the board meets on Thursday. Please read the draft agenda and send "
        + "comments by Wednesday noon. The minutes of the last meeting are in the shared folder. Your feedback on the budget "
        + "section was useful; we changed two lines. Our answer to the auditors goes out tomorrow. Thank you for your patience "
        + "while we moved offices. P.S. The answers to the staff survey are in the attached file; write to Ana if the link "
        + "does not work, and she will send it again. Tom";

    /// <summary>
    /// The classifier's cost (through the detector, so with the task head) against the embedding alone: a short text (one
    /// window) and the 2 KB text (several 128-word windows, each one MiniLM inference, with a span head its short spans,
    /// and with a task head its request-like sentences, one inference each), 200 calls each after 20 warm-up calls, one
    /// text per call; the encoder and weights of <see cref="Load"/> (with <c>--encoder DIR</c> without <c>--classifier</c>,
    /// the stock weights score that folder's embeddings).
    /// </summary>
    private static void ClassifierCost(string? encoder, bool stock)
    {
        var (embeddings, classifier, _) = Load(null, encoder, stock);
        using var disposeEmbeddings = embeddings;
        var detector = new InjectionDetector(classifier);
        var document = FakeData.Document(2048);
        const string Short = "Please summarize the attached report and list the three main risks for the board.";
        Console.WriteLine("classifier cost, 200 calls each (one text per call):");
        foreach (var (name, text) in new[] { ("short text", Short), ("2 KB text", document) })
        {
            var windows = InjectionClassifier.Windows(text, classifier.WindowWords).Count();
            var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            var spans = classifier.Model.SpanWeights is null || words <= classifier.DocumentWords ? 0 : TextSpans.Split(text, classifier.Model.SpanWords).Count();
            var tasks = classifier.HasTaskHead ? TaskSentences.Find(text).Count() : 0;
            var embed = Measure(() => embeddings.GenerateAsync([text]).GetAwaiter().GetResult());
            var score = Measure(() => detector.DetectAsync(text).GetAwaiter().GetResult());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-11} ({text.Split(' ').Length} words, {windows} window(s), {spans} span(s), {tasks} request-like sentence(s)): detector median {Percentiles.Of(score, 0.5):0.00} ms, one embedding of the whole text {Percentiles.Of(embed, 0.5):0.00} ms, ratio {Percentiles.Of(score, 0.5) / Percentiles.Of(embed, 0.5):0.00}"));
        }

        static double[] Measure(Action action)
        {
            for (var i = 0; i < 20; i++)
            {
                action();
            }

            var times = new double[200];
            for (var i = 0; i < times.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                action();
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            Array.Sort(times);
            return times;
        }
    }

    private static void Time(string name, string text, int iterations, Action<string> action)
    {
        for (var i = 0; i < 5000; i++)
        {
            action(text);
        }

        var times = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action(text);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-20} median {Percentiles.Of(times, 0.5):0.0} µs, p99 {Percentiles.Of(times, 0.99):0.0} µs"));
    }

    private static void Once(string text)
    {
        _ = InjectionDetector.DetectWithRules(text);
        _ = Redactor.Redact(text);
    }
}
