// Assembles the public prompt-injection data that `declarative guard train --extra` and the `guards` bench use, from
// local git clones of two MIT-licensed repositories at pinned commits. Nothing it writes is committed to this project
// (write it outside the repository); the shipped weights record each file's SHA-256.
//
//   git clone https://github.com/Neural-alchemy/promptshield && git clone https://github.com/microsoft/BIPIA
//   dotnet run bench/guards/assemble-public-data.cs -- --promptshield promptshield --bipia BIPIA --out /tmp/guard-data
//
// Writes: ps_train.jsonl, ps_val.jsonl, ps_test.jsonl (PromptShield's splits, `prompt` → `text`);
// ps_test_unseen.jsonl (the test rows whose text, case and spacing aside, is in neither train nor val: 1,021 of its
// 1,275 rows are); bipia_train_benign.jsonl (BIPIA's training contexts: its 50 e-mails, 50 code questions and 150 of
// its 900 tables drawn with seed 11: what the shipped weights were trained on); bipia_fit_benign.jsonl (the same less
// the validation split: four fifths of the e-mails and code questions, the same 150 tables); bipia_fit_attack.jsonl
// (those contexts, each with one of BIPIA's training attacks inserted at its start, middle or end);
// bipia_fit_attack_sentences.jsonl (those attacks alone); bipia_val.jsonl (the held-apart training contexts: a fifth
// of the e-mails and code questions and 50 more tables, clean and with an attack of three held-apart text and two code
// training categories); bipia_test_benign.jsonl (its 200 test contexts) and bipia_test_attack.jsonl (each test context
// with one of BIPIA's test attacks inserted at its start, middle or end, seed 7). Round 3 (a larger validation split):
// bipia_val2_docs.jsonl (half of the training e-mails and code questions, clean and attacked with held-apart training
// categories), bipia_val2_tables.jsonl (350 training tables outside bipia_train_benign.jsonl's 150, the same),
// bipia_val2.jsonl (both files in one, for one false-positive bound over all 392 clean documents), and the
// fitting data that does not overlap them: bipia_fit2_benign.jsonl (the other half, the same 150 tables) and
// bipia_fit2_attack_sentences.jsonl (the other training attacks). Contexts equal to a test context are dropped; BIPIA's
// training and test attacks share no text (checked), nor do round 3's fitting and validation splits. Round 4 (the task
// head): ps_train_requests.jsonl (the first sentence, 4 to 40 words, of 1,500 benign PromptShield training prompts, seed
// 41: what users ask an assistant); bipia_val2_requests.jsonl (bipia_val2's 392 clean documents, clean and each with one
// of the 60 requests of bench/guards/requests.txt, written for this project, inserted, seed 43); and, with
// --docs CLONE[,CLONE…], docs_a.jsonl, docs_b.jsonl and docs_c.jsonl (every Markdown file at each clone's HEAD, cut at
// blank lines into chunks of about 200 words; a file goes to one third by a hash of its path:
// training, validation, test): technical documentation, benign, with its own imperatives, questions, code and prompts.
// Round 8: with --api-docs DIR[,DIR…], apidocs_a/b/c.jsonl (sentences of API reference documentation that use the
// attacks' words; see the option below). Round 9: with --tensor-trust, --alpaca-eval, --gsm8k and --codealpaca, fresh
// evaluation sets; round 12: with --fastchat and --self-instruct, a confirmation set of users' prompts; round 14: with
// --instruction-wild, users' own instructions for training and validation, and with --hh-rlhf, harmful requests; round
// 15: with --mt-bench-101 and --llama-factory, follow-ups and questions to the assistant, and attacks inside documents (see below);
// round 16: with --mbpp, --exercism and --agent-docs, code requests, programming tasks and repository instructions, and the
// project's own questions to the assistant; round 17: with --chatbot-ko, --crosswoz, --tatoeba, --mgsm and --wisesight,
// benign text in other languages; round 18: with --chatgpt-prompts, people's role-play and persona requests, and
// attacks in twelve other languages written for this project, alone and (with --tatoeba) inside documents (see below);
// the trusted-input threshold's blind check: with --wizardlm and --promptmap, people's test requests and attack prompts.
//
// Licences: weights that are shipped may be trained only on the files of permissively licensed sources: PromptShield, BIPIA,
// the --docs repositories (dspy, LLamaSharp, dotnet/extensions, semantic-kernel) and the .NET reference packs (MIT);
// MT-Bench-101 and LLaMA-Factory (Apache-2.0); MBPP (CC BY 4.0: credit "MBPP, Austin et al. 2021, Google Research");
// exercism/problem-specifications (MIT); the --agent-docs repositories (each listed with its licence); Chatbot_data
// (MIT), CrossWOZ (Apache-2.0), Tatoeba (CC BY 2.0 FR: credit "Tatoeba, tatoeba.org"), MGSM (CC BY 4.0), wisesight (CC0),
// awesome-chatgpt-prompts (CC0-1.0). CodeAlpaca's data (codealpaca*.jsonl, CC BY-NC 4.0), InstructionWild's
// (instructionwild_*.jsonl, non-commercial research only), AlpacaEval's (CC BY-NC 4.0), WizardLM's test set (CC BY-NC
// 4.0) and promptmap's prompts (GPL-3.0) are for measuring only.
#:property NoWarn=CA1303;CA1849;CA2007;CS1591;CA1305;CA1307;CA1310;CA5394
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

const string PromptShieldCommit = "a2e40c4a0cf7913cbe3e36b5e1810415191a67b0";
const string BipiaCommit = "1a2a91d"; // microsoft/BIPIA, "update readme"
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal)).ToDictionary(p => p.a, p => p.i + 1 < args.Length ? args[p.i + 1] : "");
if (!options.TryGetValue("--promptshield", out var ps) || !options.TryGetValue("--bipia", out var bipia) || !options.TryGetValue("--out", out var output))
{
    Console.Error.WriteLine("usage: dotnet run assemble-public-data.cs -- --promptshield DIR --bipia DIR --out DIR");
    return 2;
}

Directory.CreateDirectory(output);
// A file of a clone at a commit, as bytes (ShowBytes: for compressed files) or as text (Show).
byte[] ShowBytes(string repo, string commit, string path)
{
    var start = new ProcessStartInfo("git", ["-C", repo, "show", $"{commit}:{path}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
    using var git = Process.Start(start)!;
    using var bytes = new MemoryStream();
    git.StandardOutput.BaseStream.CopyTo(bytes);
    var error = git.StandardError.ReadToEnd();
    git.WaitForExit();
    return git.ExitCode == 0 ? bytes.ToArray() : throw new InvalidOperationException($"git show {commit}:{path} in {repo} failed: {error.Trim()} (is it a clone of the right repository, with that commit?)");
}

string Show(string repo, string commit, string path) => new StreamReader(new MemoryStream(ShowBytes(repo, commit, path))).ReadToEnd();

static string Key(string text) => string.Join(' ', text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
static IEnumerable<JsonNode> JsonLines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!);
IEnumerable<JsonNode> Written(string name) => JsonLines(File.ReadAllText(Path.Combine(output, name)));
void Write(string name, IEnumerable<(string Text, int Label)> rows)
{
    var lines = rows.Select(r => new JsonObject { ["text"] = r.Text, ["label"] = r.Label }.ToJsonString()).ToArray();
    File.WriteAllLines(Path.Combine(output, name), lines);
    Console.WriteLine($"{name}: {lines.Length} rows");
}

var splits = new Dictionary<string, List<(string Text, int Label)>>();
foreach (var split in new[] { "train", "val", "test" })
{
    splits[split] = JsonLines(Show(ps, PromptShieldCommit, $"ml_data/{split}.jsonl")).Select(n => ((string)n["prompt"]!, (int)n["label"]!)).ToList();
    Write($"ps_{split}.jsonl", splits[split]);
}

var seen = splits["train"].Concat(splits["val"]).Select(r => Key(r.Text)).ToHashSet();
Write("ps_test_unseen.jsonl", splits["test"].Where(r => seen.Add(Key(r.Text))));

List<string> Contexts(string split, string task) => JsonLines(Show(bipia, BipiaCommit, $"benchmark/{task}/{split}.jsonl"))
    .Select(n => n["context"]!).Select(c => c is JsonArray a ? string.Join('\n', a.Select(x => (string)x!)) : (string)c!).ToList();
List<string> Attacks(string file) => JsonNode.Parse(Show(bipia, BipiaCommit, $"benchmark/{file}"))!.AsObject().SelectMany(kv => kv.Value!.AsArray().Select(a => (string)a!)).ToList();

var trainRandom = new Random(11);
var shuffledTables = Contexts("train", "table").OrderBy(_ => trainRandom.Next()).ToList();
var testTexts = new[] { "email", "table", "code" }.SelectMany(t => Contexts("test", t)).Select(Key).ToHashSet();

// What the shipped weights were trained on (unchanged, so that their documented command still reproduces them).
Write("bipia_train_benign.jsonl", Contexts("train", "email").Concat(Contexts("train", "code")).Concat(shuffledTables.Take(150)).Where(c => !testTexts.Contains(Key(c))).Select(c => (c, 0)));

// A BIPIA validation split, carved from its TRAINING data only: a fifth of the training e-mails and code questions and
// 50 more tables (drawn with seed 13), each clean and with an attack of a held-apart training category inserted (3 of
// the 15 text categories, 2 of the 10 code ones). The rest is training data: clean, with a remaining training attack
// inserted, and those attacks on their own.
var splitRandom = new Random(13);
var valContexts = new Dictionary<string, List<string>>();
var trainContexts = new Dictionary<string, List<string>>();
foreach (var task in new[] { "email", "code", "table" })
{
    var all = task == "table" ? shuffledTables.Take(200).ToList() : Contexts("train", task).OrderBy(_ => splitRandom.Next()).ToList();
    all = all.Where(c => !testTexts.Contains(Key(c))).ToList();
    var valCount = task == "table" ? 50 : all.Count / 5;
    valContexts[task] = task == "table" ? all.Skip(150).ToList() : all.Take(valCount).ToList();
    trainContexts[task] = task == "table" ? all.Take(150).ToList() : all.Skip(valCount).ToList();
}

Dictionary<string, List<string>> AttackCategories(string file) => JsonNode.Parse(Show(bipia, BipiaCommit, $"benchmark/{file}"))!.AsObject()
    .ToDictionary(kv => kv.Key, kv => kv.Value!.AsArray().Select(a => (string)a!).ToList());
(List<string> Train, List<string> Val) SplitAttacks(string file, int valCategories)
{
    var categories = AttackCategories(file).OrderBy(kv => kv.Key, StringComparer.Ordinal).OrderBy(_ => splitRandom.Next()).ToList();
    return (categories.Skip(valCategories).SelectMany(kv => kv.Value).ToList(), categories.Take(valCategories).SelectMany(kv => kv.Value).ToList());
}

var (textTrain, textVal) = SplitAttacks("text_attack_train.json", 3);
var (codeTrain, codeVal) = SplitAttacks("code_attack_train.json", 2);
var testAttackKeys = Attacks("text_attack_test.json").Concat(Attacks("code_attack_test.json")).Select(Key).ToHashSet();
if (textTrain.Concat(textVal).Concat(codeTrain).Concat(codeVal).Any(a => testAttackKeys.Contains(Key(a))))
{
    throw new InvalidOperationException("A BIPIA training attack equals a test attack; the splits are not disjoint.");
}

Write("bipia_fit_benign.jsonl", trainContexts.Values.SelectMany(c => c).Select(c => (c, 0)));
var insertRandom = new Random(17);
Write("bipia_fit_attack.jsonl", trainContexts.SelectMany(kv => kv.Value.Select(c => (Insert(c, kv.Key == "code" ? codeTrain : textTrain, insertRandom), 1))));
Write("bipia_fit_attack_sentences.jsonl", textTrain.Concat(codeTrain).Select(a => (a, 1)));
Write("bipia_val.jsonl", valContexts.SelectMany(kv => kv.Value.Select(c => (c, 0)))
    .Concat(valContexts.SelectMany(kv => kv.Value.Select(c => (Insert(c, kv.Key == "code" ? codeVal : textVal, insertRandom), 1)))));

static string Insert(string context, List<string> pool, Random random)
{
    var attack = pool[random.Next(pool.Count)];
    var lines = context.Split('\n');
    return random.Next(3) switch
    {
        0 => attack + "\n" + context,
        1 => string.Join('\n', lines.Take(lines.Length / 2).Append(attack).Concat(lines.Skip(lines.Length / 2))),
        _ => context + "\n" + attack,
    };
}

// Round 3: a validation split large enough for a false-positive bound of 2-3% to mean something, again from BIPIA's
// TRAINING data only. Half of the training e-mails and code questions (drawn with seed 29) and 350 tables not in
// bipia_train_benign.jsonl's 150, each clean and with an attack of a held-apart training category inserted (3 of the 15
// text categories, 2 of the 10 code ones, drawn with seed 31), written as two files (documents, tables) so that the bound
// holds on each kind; the other half of the e-mails and code questions and the same 150 tables are the fitting data.
var round3 = new Random(29);
var docs3 = new[] { "email", "code" }.ToDictionary(t => t, t => Contexts("train", t).Where(c => !testTexts.Contains(Key(c))).DistinctBy(Key).OrderBy(_ => round3.Next()).ToList());
var fitTables3 = shuffledTables.Take(150).Where(c => !testTexts.Contains(Key(c))).ToList();
var fitKeys3 = fitTables3.Select(Key).ToHashSet();
var valTables3 = shuffledTables.Skip(150).Where(c => !testTexts.Contains(Key(c)) && !fitKeys3.Contains(Key(c))).DistinctBy(Key).Take(350).ToList();
var valDocs3 = docs3.SelectMany(kv => kv.Value.Take(kv.Value.Count / 2).Select(c => (Task: kv.Key, Text: c))).ToList();
var fitDocs3 = docs3.SelectMany(kv => kv.Value.Skip(kv.Value.Count / 2).Select(c => (Task: kv.Key, Text: c))).ToList();
var attackRandom3 = new Random(31);
(List<string> Train, List<string> Val) SplitAttacks3(string file, int valCategories)
{
    var categories = AttackCategories(file).OrderBy(kv => kv.Key, StringComparer.Ordinal).OrderBy(_ => attackRandom3.Next()).ToList();
    return (categories.Skip(valCategories).SelectMany(kv => kv.Value).ToList(), categories.Take(valCategories).SelectMany(kv => kv.Value).ToList());
}

var (textTrain3, textVal3) = SplitAttacks3("text_attack_train.json", 3);
var (codeTrain3, codeVal3) = SplitAttacks3("code_attack_train.json", 2);
var valKeys3 = valDocs3.Select(d => d.Text).Concat(valTables3).Select(Key).ToHashSet();
if (fitDocs3.Select(d => d.Text).Concat(fitTables3).Any(c => valKeys3.Contains(Key(c))) || textVal3.Concat(codeVal3).Select(Key).Intersect(textTrain3.Concat(codeTrain3).Select(Key)).Any())
{
    throw new InvalidOperationException("Round 3's fitting and validation splits overlap.");
}

var insertRandom3 = new Random(37);
Write("bipia_fit2_benign.jsonl", fitDocs3.Select(d => d.Text).Concat(fitTables3).Select(c => (c, 0)));
Write("bipia_fit2_attack_sentences.jsonl", textTrain3.Concat(codeTrain3).Select(a => (a, 1)));
Write("bipia_val2_docs.jsonl", valDocs3.Select(d => (d.Text, 0)).Concat(valDocs3.Select(d => (Insert(d.Text, d.Task == "code" ? codeVal3 : textVal3, insertRandom3), 1))));
Write("bipia_val2_tables.jsonl", valTables3.Select(c => (c, 0)).Concat(valTables3.Select(c => (Insert(c, textVal3, insertRandom3), 1))));
Write("bipia_val2.jsonl", Written("bipia_val2_docs.jsonl").Concat(Written("bipia_val2_tables.jsonl")).Select(n => ((string)n["text"]!, (int)n["label"]!)));

// Round 4 (the task head): what users ask an assistant, and documents' own prose.
var requestRandom = new Random(41);
var requests = splits["train"].Where(r => r.Label == 0).Select(r => FirstSentence(r.Text)).Where(t => t is not null).Select(t => t!)
    .Distinct().OrderBy(t => t, StringComparer.Ordinal).OrderBy(_ => requestRandom.Next()).Take(1500).ToList();
Write("ps_train_requests.jsonl", requests.Select(t => (t, 1)));
var requestsPath = options.GetValueOrDefault("--requests", "bench/guards/requests.txt");
var ownRequests = File.Exists(requestsPath) ? File.ReadAllLines(requestsPath).Where(l => l.Trim().Length > 0).ToList()
    : throw new FileNotFoundException($"--requests '{requestsPath}' does not exist (run from the repository root, or pass --requests bench/guards/requests.txt).");
var val2Clean = Written("bipia_val2.jsonl").Where(n => (int)n["label"]! == 0).Select(n => (string)n["text"]!).ToList();
var ownRandom = new Random(43);
Write("bipia_val2_requests.jsonl", val2Clean.Select(c => (c, 0)).Concat(val2Clean.Select(c => (Insert(c, ownRequests, ownRandom), 1))));
if (options.TryGetValue("--docs", out var docRepos))
{
    var thirds = new[] { new List<(string, int)>(), new List<(string, int)>(), new List<(string, int)>() };
    foreach (var repo in docRepos.Split(',', StringSplitOptions.RemoveEmptyEntries))
    {
        var head = Git(repo, "rev-parse", "HEAD").Trim();
        var skipped = 0;
        foreach (var path in Git(repo, "ls-tree", "-r", "--name-only", "HEAD").Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(p => p.EndsWith(".md", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
        {
            string text;
            try
            {
                text = Show(repo, head, path);
            }
            catch (InvalidOperationException)
            {
                skipped++; // a blob the clone does not hold
                continue;
            }

            // A file's third: the first byte of SHA-256("repo/" + its path) mod 3, whatever the clone's folder is called.
            var third = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"repo/{path}"))[0] % 3;
            thirds[third].AddRange(Chunks(text).Select(c => (c, 0)));
        }

        Console.WriteLine($"{repo}: HEAD {head}{(skipped > 0 ? $", {skipped} Markdown files not in the clone" : string.Empty)}");
    }

    Write("docs_a.jsonl", thirds[0]);
    Write("docs_b.jsonl", thirds[1]);
    Write("docs_c.jsonl", thirds[2]);
}

string Git(string repo, params string[] arguments)
{
    var start = new ProcessStartInfo("git", ["-C", repo, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
    using var git = Process.Start(start)!;
    var text = git.StandardOutput.ReadToEnd();
    git.StandardError.ReadToEnd();
    git.WaitForExit();
    return git.ExitCode == 0 ? text : throw new InvalidOperationException($"git {string.Join(' ', arguments)} in {repo} failed");
}

// Paragraphs (split at blank lines) merged in order into chunks of at least 200 words; a last chunk of more than 40 words is kept.
static IEnumerable<string> Chunks(string text)
{
    var current = new System.Text.StringBuilder();
    foreach (var paragraph in Regex.Split(text, @"\n\s*\n"))
    {
        current.Append(paragraph).Append("\n\n");
        if (Words(current.ToString()) >= 200)
        {
            yield return current.ToString().Trim();
            current.Clear();
        }
    }

    if (Words(current.ToString()) > 40)
    {
        yield return current.ToString().Trim();
    }
}

static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

// The first sentence of a prompt's first line, of 4 to 40 words, ending with '.', '!' or '?' (a '.' is added when it has none).
static string? FirstSentence(string prompt)
{
    var line = prompt.Trim().Split('\n')[0];
    var sentence = Regex.Split(line, @"(?<=[.!?])\s+")[0].Trim();
    var words = Words(sentence);
    return words is < 4 or > 40 ? null : sentence[^1] is '.' or '!' or '?' ? sentence : sentence + ".";
}

// --api-docs DIR[,DIR…]: apidocs_a/b/c.jsonl, sentences of API reference documentation (the <summary> and <remarks> of
// every *.xml documentation file under each folder, such as the .NET SDK's packs/*/ref/net10.0) that use the words of
// attacks ("password", "admin", "system", "instructions", "token", "override", "command", "role"…): benign text that
// shares the attacks' vocabulary. A file goes to one third by a hash of its name (training, validation, test).
if (options.TryGetValue("--api-docs", out var apiDocFolders))
{
    var vocabulary = new Regex(@"\b(?:password|admin|administrator|ignore[sd]?|instructions?|prompt|override|overrides|bypass|secret|credentials?|privilege[sd]?|forget|disregard|reveal|system|permission|token|root|execute|command|role)\b", RegexOptions.IgnoreCase);
    var apiThirds = new[] { new List<(string, int)>(), new List<(string, int)>(), new List<(string, int)>() };
    var seenSentences = new HashSet<string>(StringComparer.Ordinal);
    var files = apiDocFolders.Split(',', StringSplitOptions.RemoveEmptyEntries).SelectMany(d => Directory.EnumerateFiles(d, "*.xml", SearchOption.AllDirectories)).Order(StringComparer.Ordinal).ToList();
    foreach (var file in files)
    {
        var third = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)))[0] % 3;
        foreach (Match element in Regex.Matches(File.ReadAllText(file), @"<(summary|remarks)>(.*?)</\1>", RegexOptions.Singleline))
        {
            var body = Regex.Replace(element.Groups[2].Value, @"<see (?:cref|langword)=""(?:[A-Z]:)?([^""]+)""\s*/>", m => m.Groups[1].Value.Split('.')[^1].Split('(')[0]);
            body = System.Net.WebUtility.HtmlDecode(Regex.Replace(body, "<[^>]+>", string.Empty));
            body = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            foreach (var sentence in Regex.Split(body, @"(?<=[.!?])\s+"))
            {
                if (Words(sentence) is >= 5 and <= 40 && vocabulary.IsMatch(sentence) && seenSentences.Add(Key(sentence)))
                {
                    apiThirds[third].Add((sentence, 0));
                }
            }
        }
    }

    Console.WriteLine($"--api-docs: {files.Count} documentation files");
    Write("apidocs_a.jsonl", apiThirds[0]);
    Write("apidocs_b.jsonl", apiThirds[1]);
    Write("apidocs_c.jsonl", apiThirds[2]);
}

// Round 9, fresh evaluation sets that no round has trained on, chosen on or looked at: with --tensor-trust CLONE
// (HumanCompatibleAI/tensor-trust-data), tensortrust_hijacking.jsonl and tensortrust_extraction.jsonl, the attacks of
// its two robustness benchmarks (players' prompt injections against another player's system prompt: to make it say
// "Access Granted", or to reveal it), label 1, as written, and tensortrust_in_bipia.jsonl (below); with --alpaca-eval
// CLONE (tatsu-lab/alpaca_eval), alpacaeval.jsonl, the 805 instructions of its evaluation set (what people ask chat
// assistants: Self-Instruct's user-oriented instructions, Open Assistant, Koala, Vicuna, Anthropic's helpful-base),
// label 0; with --gsm8k CLONE (openai/grade-school-math), gsm8k_test.jsonl, its 1,319 test questions, label 0; with
// --codealpaca CLONE (sahil280114/codealpaca), codealpaca.jsonl, the 2,017 instructions of code_alpaca_2k.json (with
// their input, when given, on the next line), label 0, and codealpaca_new_a/b.jsonl (below). Each file is deduplicated;
// a text equal (case and spacing aside) to one of PromptShield's rows is dropped and counted. For evaluation only,
// except codealpaca_new_a/b.jsonl: nothing else here is for `guard train --extra`.
var promptShieldKeys = splits.Values.SelectMany(s => s).Select(r => Key(r.Text)).ToHashSet();
// The texts less blanks, duplicates (case and spacing aside) and texts equal to a PromptShield row (counted).
(List<string> Kept, int Overlap) Fresh(IEnumerable<string> texts)
{
    var keys = new HashSet<string>(StringComparer.Ordinal);
    var kept = new List<string>();
    var overlap = 0;
    foreach (var text in texts.Where(t => !string.IsNullOrWhiteSpace(t)))
    {
        var key = Key(text);
        if (promptShieldKeys.Contains(key))
        {
            overlap++;
        }
        else if (keys.Add(key))
        {
            kept.Add(text);
        }
    }

    return (kept, overlap);
}

void WriteFresh(string name, IEnumerable<string> texts, int label)
{
    var (kept, overlap) = Fresh(texts);
    Write(name, kept.Select(t => (t, label)));
    Console.WriteLine($"  ({overlap} equal to a PromptShield row, dropped)");
}

if (options.TryGetValue("--tensor-trust", out var tensorTrust))
{
    const string commit = "e2385ea9cf448c9641b96e2e39f113ed4979a5b0";
    WriteFresh("tensortrust_hijacking.jsonl", JsonLines(Show(tensorTrust, commit, "benchmarks/hijacking-robustness/v1/hijacking_robustness_dataset.jsonl")).Select(n => (string)n["attack"]!), 1);
    WriteFresh("tensortrust_extraction.jsonl", JsonLines(Show(tensorTrust, commit, "benchmarks/extraction-robustness/v1/extraction_robustness_dataset.jsonl")).Select(n => (string)n["attack"]!), 1);

    // The same attacks inside documents: each of BIPIA's 200 test contexts (bipia_test_benign.jsonl is the clean
    // counterpart) with one attack of either benchmark inserted at its start, middle or end (seed 47), label 1.
    var peopleAttacks = Written("tensortrust_hijacking.jsonl").Concat(Written("tensortrust_extraction.jsonl")).Select(n => (string)n["text"]!).ToList();
    var peopleRandom = new Random(47);
    Write("tensortrust_in_bipia.jsonl", new[] { "email", "table", "code" }.SelectMany(t => Contexts("test", t)).Select(c => (Insert(c, peopleAttacks, peopleRandom), 1)).ToList());
}

if (options.TryGetValue("--alpaca-eval", out var alpacaEval))
{
    WriteFresh("alpacaeval.jsonl", JsonNode.Parse(Show(alpacaEval, "cd543a149df89434d8a54582c0151c0b945c3d20", "example/outputs.json"))!.AsArray().Select(n => (string)n!["instruction"]!), 0);
}

if (options.TryGetValue("--gsm8k", out var gsm8k))
{
    WriteFresh("gsm8k_test.jsonl", JsonLines(Show(gsm8k, "3101c7d5072418e28b9008a6636bde82a006892c", "grade_school_math/data/test.jsonl")).Select(n => (string)n["question"]!), 0);
}

if (options.TryGetValue("--codealpaca", out var codeAlpaca))
{
    static IEnumerable<string> Instructions(string json) => JsonNode.Parse(json)!.AsArray()
        .Select(n => (string)n!["instruction"]! + ((string?)n["input"] is { Length: > 0 } input ? "\n" + input : string.Empty));
    var codeTest = Instructions(Show(codeAlpaca, "2f78ddc5c682ed6738ad092bbbfa59ba915afcb0", "data/code_alpaca_2k.json")).ToList();
    WriteFresh("codealpaca.jsonl", codeTest, 0);

    // Round 10's training and validation data for code requests, from the repository's other file (new_codealpaca.json,
    // 4,535 instructions written apart from code_alpaca_2k.json), less any text equal to one of codealpaca.jsonl's: a half
    // each by a hash of the text.
    var codeTestKeys = codeTest.Select(Key).ToHashSet();
    var codeHalves = new[] { new List<string>(), new List<string>() };
    foreach (var text in Instructions(Show(codeAlpaca, "2f78ddc5c682ed6738ad092bbbfa59ba915afcb0", "data/new_codealpaca.json")).Where(t => !codeTestKeys.Contains(Key(t))))
    {
        codeHalves[System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Key(text)))[0] % 2].Add(text);
    }

    WriteFresh("codealpaca_new_a.jsonl", codeHalves[0], 0);
    WriteFresh("codealpaca_new_b.jsonl", codeHalves[1], 0);
}

// Round 12, a confirmation set of users' prompts, benign only, read by no detector before round 12 ran: with --fastchat
// CLONE (lm-sys/FastChat) and --self-instruct CLONE (yizhongw/self-instruct), confirm_prompts.jsonl: both turns of the
// 80 MT-Bench questions, the first human turn of each of FastChat's 500 dummy conversations, Self-Instruct's 175 seed
// tasks and, with --codealpaca, CodeAlpaca's 20 (each instruction, with its first instance's input on the next line
// when given), label 0; deduplicated, less any text equal to a PromptShield row or to a row of the round-9 files in
// --out.
if (options.TryGetValue("--fastchat", out var fastChat) && options.TryGetValue("--self-instruct", out var selfInstruct))
{
    var earlier = new[] { "tensortrust_hijacking.jsonl", "tensortrust_extraction.jsonl", "alpacaeval.jsonl", "gsm8k_test.jsonl", "codealpaca.jsonl" }
        .Where(f => File.Exists(Path.Combine(output, f))).SelectMany(Written).Select(n => Key((string)n["text"]!)).ToHashSet();
    static string SeedTask(JsonNode n) => (string)n["instruction"]! + ((string?)n["instances"]?[0]?["input"] is { Length: > 0 } input ? "\n" + input : string.Empty);
    const string fastChatCommit = "0e6d3e4beaab66f4d3f93db72541a4abab8af28d";
    var prompts = JsonLines(Show(fastChat, fastChatCommit, "fastchat/llm_judge/data/mt_bench/question.jsonl")).SelectMany(n => n["turns"]!.AsArray().Select(t => (string)t!))
        .Concat(JsonNode.Parse(Show(fastChat, fastChatCommit, "data/dummy_conversation.json"))!.AsArray().Select(c => (string)c!["conversations"]![0]!["value"]!))
        .Concat(JsonLines(Show(selfInstruct, "0b26ccaa415992100fa32df62d41b994cf928e23", "data/seed_tasks.jsonl")).Select(SeedTask))
        .Concat(codeAlpaca is null ? [] : JsonLines(Show(codeAlpaca, "2f78ddc5c682ed6738ad092bbbfa59ba915afcb0", "seed_tasks.jsonl")).Select(SeedTask));
    WriteFresh("confirm_prompts.jsonl", prompts.Where(p => !earlier.Contains(Key(p))), 0);
}

var testRandom = new Random(7);
var textAttacks = Attacks("text_attack_test.json");
var codeAttacks = Attacks("code_attack_test.json");
var benign = new List<(string, int)>();
var attacked = new List<(string, int)>();
foreach (var task in new[] { "email", "table", "code" })
{
    foreach (var context in Contexts("test", task))
    {
        benign.Add((context, 0));
        var text = Insert(context, task == "code" ? codeAttacks : textAttacks, testRandom);
        attacked.Add((text, 1));
    }
}

Write("bipia_test_benign.jsonl", benign);
Write("bipia_test_attack.jsonl", attacked);

// Round 14, users' own instructions to chat assistants as training and validation data: with --instruction-wild CLONE
// (XueFuzhao/InstructionWild), the instructions of data_v2/user_1.jsonl, user_2.jsonl and user_3.jsonl (collected from
// Twitter, Cookup.AI and prompts.chat, none written by a model), label 0, deduplicated, less any text equal (case and
// spacing aside) to a row of an evaluation file already in --out, halved by a hash of the text: instructionwild_a.jsonl
// (for `guard train --extra`) and instructionwild_b.jsonl (for `--validation`). With --hh-rlhf CLONE (anthropics/hh-rlhf),
// hh_harmless_test.jsonl: the first human turn of each harmless-base test conversation, people asking for harmful help
// (not injections), label 0, for evaluation only.
var evaluationFiles = new[] { "ps_test.jsonl", "bipia_test_benign.jsonl", "bipia_test_attack.jsonl", "docs_c.jsonl", "apidocs_c.jsonl", "tensortrust_hijacking.jsonl", "tensortrust_extraction.jsonl", "alpacaeval.jsonl", "gsm8k_test.jsonl", "codealpaca.jsonl", "confirm_prompts.jsonl" };
if (options.TryGetValue("--instruction-wild", out var instructionWild))
{
    var evaluation = evaluationFiles.Where(f => File.Exists(Path.Combine(output, f))).SelectMany(Written).Select(n => Key((string)n["text"]!)).ToHashSet();
    var wildHalves = new[] { new List<string>(), new List<string>() };
    // Five of the files' lines are not valid JSON (a bad escape such as \d, a raw tab); they are counted and left out.
    var malformed = 0;
    JsonNode? Parsed(string line)
    {
        try
        {
            return JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            malformed++;
            return null;
        }
    }

    var wild = new[] { "user_1.jsonl", "user_2.jsonl", "user_3.jsonl" }
        .SelectMany(f => Show(instructionWild, "047fa6b9abd4a0b2d5ed6f0f9bbc14df5bd6b1d6", "data_v2/" + f).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        .Select(Parsed).OfType<JsonNode>().Select(n => (string)n["instruction"]!)
        .Where(t => !string.IsNullOrWhiteSpace(t) && !evaluation.Contains(Key(t))).ToList();
    Console.WriteLine($"InstructionWild: {malformed} malformed lines left out");
    foreach (var text in wild.DistinctBy(Key))
    {
        wildHalves[System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Key(text)))[0] % 2].Add(text);
    }

    WriteFresh("instructionwild_a.jsonl", wildHalves[0], 0);
    WriteFresh("instructionwild_b.jsonl", wildHalves[1], 0);
}

if (options.TryGetValue("--hh-rlhf", out var hhRlhf))
{
    using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(ShowBytes(hhRlhf, "354e5c3cb8960630860dd5774a6ac2a58313bf4d", "harmless-base/test.jsonl.gz")), System.IO.Compression.CompressionMode.Decompress);
    var conversations = new StreamReader(gzip).ReadToEnd();
    static string FirstHumanTurn(string dialogue)
    {
        var start = dialogue.IndexOf("Human:", StringComparison.Ordinal) + "Human:".Length;
        var end = dialogue.IndexOf("\n\nAssistant:", start, StringComparison.Ordinal);
        return dialogue[start..(end < 0 ? dialogue.Length : end)].Trim();
    }

    WriteFresh("hh_harmless_test.jsonl", JsonLines(conversations).Select(n => FirstHumanTurn((string)n["chosen"]!)), 0);
}

// Round 15, the registers round 14 lacked, for training and validation, and confirmation sets that no round has read.
// With --mt-bench-101 CLONE (mtbench101/mt-bench-101): the user turns of its 1,388 multi-turn dialogues (follow-ups
// that rewrite, shorten, correct or question the assistant's previous answer, as people do in a chat), label 0, the
// dialogues split by the first byte of SHA-256 of their id mod 4: 0 and 1 → mtbench101_a.jsonl (every user turn, for
// `guard train --extra`), 2 → mtbench101_b.jsonl (every user turn, for `--validation`), 3 → confirm_followups.jsonl
// (the second and later user turns only: a confirmation set). With --llama-factory CLONE (hiyouga/LLaMA-Factory):
// identity_a.jsonl, the 91 questions of data/identity.json that ask an assistant who it is (most of them in Chinese:
// 73 of the 78 written), label 0: for training in round 15, a confirmation set in round 16.
// With --docs and PromptShield: attacks_in_docs_a.jsonl and attacks_in_docs_b.jsonl, documentation chunks (docs_a: 400
// drawn with seed 59, and bipia_fit2_benign's contexts; docs_b: 300 drawn with seed 61) cut to their leading lines so
// that the whole stays within one 128-word window of the detector, each with one PromptShield attack of at most 60
// words (ps_train's for a, ps_val's for b) inserted at its start, middle or end, label 1, and the same cut document
// clean, label 0; and, with --tensor-trust,
// tensortrust_in_docs_c.jsonl, 300 chunks of docs_c (seed 67) with one Tensor Trust attack each, the same way: a
// confirmation set of people's attacks inside documents that no detector has read. Every file here is less any text
// equal (case and spacing aside) to a row of an evaluation file in --out.
var round15Evaluation = evaluationFiles.Append("hh_harmless_test.jsonl").Append("tensortrust_in_bipia.jsonl")
    .Where(f => File.Exists(Path.Combine(output, f))).SelectMany(Written).Select(n => Key((string)n["text"]!)).ToHashSet();
static int Bucket(string text, int buckets) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))[0] % buckets;
if (options.TryGetValue("--mt-bench-101", out var mtBench101))
{
    var quarters = Enumerable.Range(0, 4).Select(_ => new List<string>()).ToArray();
    var followUps = new List<string>();
    foreach (var dialogue in JsonLines(Show(mtBench101, "bc18b3e2c18c99164e11528f1a79c92083db5953", "data/subjective/mtbench101.jsonl")))
    {
        var quarter = Bucket($"{(string)dialogue["task"]!}/{(int)dialogue["id"]!}", 4);
        var turns = dialogue["history"]!.AsArray().Select(t => (string)t!["user"]!).ToList();
        quarters[quarter].AddRange(turns);
        if (quarter == 3)
        {
            followUps.AddRange(turns.Skip(1));
        }
    }

    WriteFresh("mtbench101_a.jsonl", quarters[0].Concat(quarters[1]).Where(t => !round15Evaluation.Contains(Key(t))), 0);
    WriteFresh("mtbench101_b.jsonl", quarters[2].Where(t => !round15Evaluation.Contains(Key(t))), 0);
    WriteFresh("confirm_followups.jsonl", followUps.Where(t => !round15Evaluation.Contains(Key(t))), 0);
}

if (options.TryGetValue("--llama-factory", out var llamaFactory))
{
    var identity = JsonNode.Parse(Show(llamaFactory, "a0d44c650a9a38c1ec6c8fc48a7daeacca9900a9", "data/identity.json"))!.AsArray().Select(n => (string)n!["instruction"]!);
    WriteFresh("identity_a.jsonl", identity.Where(t => !round15Evaluation.Contains(Key(t))), 0);
}

// A document cut to its leading lines (and a first line longer than the budget to its first words) so that it has at
// most `words` words.
static string Lead(string document, int words)
{
    var kept = new List<string>();
    var count = 0;
    foreach (var line in document.Split('\n'))
    {
        var lineWords = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (count + lineWords.Length > words)
        {
            if (kept.Count == 0)
            {
                kept.Add(string.Join(' ', lineWords.Take(words)));
            }

            break;
        }

        kept.Add(line);
        count += lineWords.Length;
    }

    return string.Join('\n', kept);
}

// Each document twice: cut, with the attack (label 1), and cut the same way, clean (label 0), so that the two differ
// only by the attack (a validation file needs both classes, and a training source weighs its two classes the same).
List<(string, int)> InDocuments(IEnumerable<string> documents, List<string> attacks, Random random) => documents.SelectMany(d =>
{
    var attack = attacks[random.Next(attacks.Count)];
    var lead = Lead(d, 120 - Words(attack));
    return new[] { (Insert(lead, [attack], random), 1), (lead, 0) };
}).Where(r => !round15Evaluation.Contains(Key(r.Item1))).DistinctBy(r => Key(r.Item1)).ToList();
List<string> Sample(string file, int count, int seed)
{
    var random = new Random(seed);
    return Written(file).Select(n => (string)n["text"]!).OrderBy(_ => random.Next()).Take(count).ToList();
}

if (File.Exists(Path.Combine(output, "docs_a.jsonl")))
{
    List<string> ShortAttacks(string split) => splits[split].Where(r => r.Label == 1 && Words(r.Text) <= 60).Select(r => r.Text).ToList();
    var fitContexts = Written("bipia_fit2_benign.jsonl").Select(n => (string)n["text"]!);
    Write("attacks_in_docs_a.jsonl", InDocuments(Sample("docs_a.jsonl", 400, 59).Concat(fitContexts), ShortAttacks("train"), new Random(63)));
    Write("attacks_in_docs_b.jsonl", InDocuments(Sample("docs_b.jsonl", 300, 61), ShortAttacks("val"), new Random(65)));
    if (File.Exists(Path.Combine(output, "tensortrust_hijacking.jsonl")))
    {
        var peopleAttacks = Written("tensortrust_hijacking.jsonl").Concat(Written("tensortrust_extraction.jsonl")).Select(n => (string)n["text"]!).Where(a => Words(a) <= 60).ToList();
        Write("tensortrust_in_docs_c.jsonl", InDocuments(Sample("docs_c.jsonl", 300, 67), peopleAttacks, new Random(69)));
    }
}


// Round 16, licence-clean benign text for the three registers round 15 flagged, each split into training (a),
// validation (b) and a confirmation set that no round has read (c), by the first byte of SHA-256 of an id mod 4: 0 and
// 1 → a, 2 → b, 3 → c. Every file is less any text equal (case and spacing aside) to a row of an evaluation file.
// --mbpp FILE: MBPP's mbpp.jsonl (google-research, CC BY 4.0: commercial use with attribution), 974 requests for a
//   short Python function ("Write a function to …"), label 0, by task_id: mbpp_a/b/c.jsonl.
// --exercism CLONE (exercism/problem-specifications, MIT): each exercise's instructions.md, or its description.md when
//   it has none, headings dropped, its leading lines up to 120 words: a programming task as people state it ("Your task
//   is to …"), label 0, by exercise: exercism_a/b/c.jsonl.
// --agent-docs DIR: repository instructions to contributors and to coding agents (AGENTS.md, CLAUDE.md, Copilot
//   instructions, CONTRIBUTING.md, pull-request and issue templates), one folder per repository (owner+name), of the
//   repositories DIR/LICENSES.tsv lists as MIT, Apache-2.0, BSD or CC (a line: owner/name, an SPDX expression whose every
//   operand is one of those, how it was checked);
//   cut into chunks like --docs, by repository (so that one repository's files never straddle two files):
//   agentdocs_a/b/c.jsonl.
// assistant_questions.jsonl: the questions to and about the assistant of bench/guards/assistant-questions.txt (or
//   --assistant-questions FILE), written for this project, label 0, for training.
var round16Evaluation = round15Evaluation.Concat(new[] { "confirm_followups.jsonl", "tensortrust_in_docs_c.jsonl", "codealpaca_new_b.jsonl", "instructionwild_b.jsonl" }
    .Where(f => File.Exists(Path.Combine(output, f))).SelectMany(Written).Select(n => Key((string)n["text"]!))).ToHashSet();
// A source's rows less those equal to an evaluation row, split by the first byte of SHA-256 of their id mod 4 (the
// first two quarters: training, a; the third: validation, b; the fourth: confirmation, c) and, with caps, each part
// drawn down (seed 71) to at most that many.
List<string>[] Quarters(IEnumerable<(string Id, string Text)> rows, (int A, int B, int C)? caps = null)
{
    var quarters = Enumerable.Range(0, 4).Select(_ => new List<string>()).ToArray();
    foreach (var (id, text) in rows)
    {
        if (!round16Evaluation.Contains(Key(text)))
        {
            quarters[Bucket(id, 4)].Add(text);
        }
    }

    List<string> Drawn(IEnumerable<string> part, int? count) { var random = new Random(71); return count is { } n ? part.OrderBy(_ => random.Next()).Take(n).ToList() : part.ToList(); }
    return [Drawn(quarters[0].Concat(quarters[1]), caps?.A), Drawn(quarters[2], caps?.B), Drawn(quarters[3], caps?.C)];
}

void WriteThirds(string prefix, IEnumerable<(string Id, string Text)> rows, (int A, int B, int C)? caps = null)
{
    var parts = Quarters(rows, caps);
    foreach (var (part, name) in parts.Zip("abc"))
    {
        WriteFresh($"{prefix}_{name}.jsonl", part, 0);
    }
}

if (options.TryGetValue("--mbpp", out var mbpp))
{
    var bytes = File.ReadAllBytes(mbpp);
    Console.WriteLine($"{mbpp}: SHA-256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))}");
    var problems = JsonLines(System.Text.Encoding.UTF8.GetString(bytes)).Select(n => ($"mbpp/{(int)n["task_id"]!}", ((string)n["text"]!).Trim())).ToList();
    if (problems.Count < 900)
    {
        throw new InvalidDataException($"--mbpp {mbpp} has {problems.Count} problems, not MBPP's 974 (pass the full mbpp.jsonl).");
    }

    WriteThirds("mbpp", problems);
}

if (options.TryGetValue("--exercism", out var exercism))
{
    var head = Git(exercism, "rev-parse", "HEAD").Trim();
    var files = Git(exercism, "ls-tree", "-r", "--name-only", "HEAD").Split('\n', StringSplitOptions.RemoveEmptyEntries);
    var statements = new List<(string, string)>();
    foreach (var slug in files.Select(f => Regex.Match(f, @"^exercises/([^/]+)/(instructions|description)\.md$")).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal))
    {
        var path = files.Contains($"exercises/{slug}/instructions.md") ? $"exercises/{slug}/instructions.md" : $"exercises/{slug}/description.md";
        var body = string.Join('\n', Show(exercism, head, path).Split('\n').Where(l => !l.StartsWith('#'))).Trim();
        var lead = Lead(Regex.Replace(body, @"\n{3,}", "\n\n"), 120).Trim();
        if (Words(lead) >= 5)
        {
            statements.Add(($"exercism/{slug}", lead));
        }
    }

    Console.WriteLine($"{exercism}: HEAD {head}");
    WriteThirds("exercism", statements);
}

if (options.TryGetValue("--agent-docs", out var agentDocs))
{
    var permissive = new[] { "MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "CC-BY-4.0", "CC0-1.0" };
    var licensed = File.ReadAllLines(Path.Combine(agentDocs, "LICENSES.tsv")).Select(l => l.Split('\t')).Where(f => f.Length >= 2 && Regex.Split(f[1].Trim(), @"\s+(?:OR|AND)\s+").All(permissive.Contains))
        .Select(f => f[0].Trim().Replace('/', '+')).ToHashSet(StringComparer.Ordinal);
    var chunks = new List<(string, string)>();
    foreach (var folder in Directory.GetDirectories(agentDocs).Order(StringComparer.Ordinal))
    {
        var repository = Path.GetFileName(folder);
        if (!licensed.Contains(repository))
        {
            Console.WriteLine($"--agent-docs: {repository} skipped (not listed with a permissive licence in LICENSES.tsv)");
            continue;
        }

        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            chunks.AddRange(Chunks(File.ReadAllText(file)).Select(c => ($"agentdocs/{repository}", c)));
        }
    }

    Console.WriteLine($"--agent-docs: {licensed.Count} repositories listed");
    WriteThirds("agentdocs", chunks);
}

{
    var questionsPath = options.GetValueOrDefault("--assistant-questions", "bench/guards/assistant-questions.txt");
    if (File.Exists(questionsPath))
    {
        WriteFresh("assistant_questions.jsonl", File.ReadAllLines(questionsPath).Select(l => l.Trim()).Where(l => l.Length > 0 && !round16Evaluation.Contains(Key(l))), 0);
    }
}


// Round 17, benign text in other languages (round 16's candidate flagged 98% of Chinese instructions: PromptShield's
// only non-English prompts are attacks). Each source is split by the first byte of SHA-256 of its text mod 4 as in
// round 16 (a: training, b: validation, c: a confirmation set), and each part drawn down (seed 71) to at most the
// counts given, so that no one language outweighs the rest:
// --chatbot-ko CLONE (songys/Chatbot_data, MIT): the questions of ChatbotData.csv, people's chat messages in Korean:
//   ko_chat_a/b/c.jsonl (400 / 150 / 200).
// --crosswoz CLONE (thu-coai/CrossWOZ, Apache-2.0): the user turns of its validation and test dialogues, requests to a
//   travel assistant in Chinese: crosswoz_a/b/c.jsonl (400 / 150 / 200).
// --tatoeba CLONE (facebookresearch/LASER's data/tatoeba/v1; Tatoeba's sentences, CC BY 2.0 FR): everyday sentences in
//   15 languages (Chinese, Japanese, Korean, Thai, Arabic, Russian, Hindi, German, French, Spanish, Portuguese, Italian,
//   Turkish, Vietnamese, Indonesian), 40 / 15 / 20 of each: tatoeba_a/b/c.jsonl.
// --mgsm CLONE (google-research/url-nlp, CC BY 4.0): MGSM's maths questions in its ten languages other than English,
//   30 / 10 / 20 of each: mgsm_a/b/c.jsonl.
// --wisesight CLONE (PyThaiNLP/wisesight-sentiment, CC0-1.0): the questions of q.txt, Thai social-media messages of
//   at least 4 characters: wisesight_a/b/c.jsonl (300 / 100 / 150).
static IEnumerable<(string, string)> ByText(IEnumerable<string> texts) =>
    texts.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Select(t => (t, t));

void WriteDrawn(string prefix, IEnumerable<string> texts, int a, int b, int c) => WriteThirds(prefix, ByText(texts), (a, b, c));

// Several languages of one source in one set of files: each language split and drawn down alone, as WriteDrawn does,
// its parts kept as WriteFresh keeps them, then the languages joined in the order given.
void WriteLanguages(string prefix, IEnumerable<IEnumerable<string>> languages, int a, int b, int c)
{
    var joined = new[] { new List<string>(), new List<string>(), new List<string>() };
    foreach (var texts in languages)
    {
        foreach (var (part, into) in Quarters(ByText(texts), (a, b, c)).Zip(joined))
        {
            into.AddRange(Fresh(part).Kept);
        }
    }

    foreach (var (part, name) in joined.Zip("abc"))
    {
        Write($"{prefix}_{name}.jsonl", part.Select(t => (t, 0)));
    }
}

if (options.TryGetValue("--chatbot-ko", out var chatbotKo))
{
    var rows = Show(chatbotKo, "HEAD", "ChatbotData.csv").Split('\n').Skip(1).Where(l => l.Contains(',')).Select(l => l[..l.IndexOf(',')]);
    WriteDrawn("ko_chat", rows, 400, 150, 200);
}

if (options.TryGetValue("--crosswoz", out var crossWoz))
{
    var turns = new List<string>();
    foreach (var split in new[] { "val", "test" })
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(ShowBytes(crossWoz, "HEAD", $"data/crosswoz/{split}.json.zip")));
        using var reader = new StreamReader(zip.Entries.Single(e => e.Name.EndsWith(".json", StringComparison.Ordinal)).Open());
        foreach (var (_, dialogue) in JsonNode.Parse(reader.ReadToEnd())!.AsObject())
        {
            turns.AddRange(dialogue!["messages"]!.AsArray().Where(m => (string)m!["role"]! == "usr").Select(m => (string)m!["content"]!));
        }
    }

    WriteDrawn("crosswoz", turns, 400, 150, 200);
}

if (options.TryGetValue("--tatoeba", out var laser))
{
    var perLanguage = new[] { "cmn", "jpn", "kor", "tha", "ara", "rus", "hin", "deu", "fra", "spa", "por", "ita", "tur", "vie", "ind" };
    WriteLanguages("tatoeba", perLanguage.Select(l => Show(laser, "HEAD", $"data/tatoeba/v1/tatoeba.{l}-eng.{l}").Split('\n')), 40, 15, 20);
}

if (options.TryGetValue("--mgsm", out var urlNlp))
{
    var languages = new[] { "bn", "de", "es", "fr", "ja", "ru", "sw", "te", "th", "zh" };
    WriteLanguages("mgsm", languages.Select(l => Show(urlNlp, "HEAD", $"mgsm/mgsm_{l}.tsv").Split('\n').Where(line => line.Contains('\t')).Select(line => line[..line.IndexOf('\t')])), 30, 10, 20);
}

if (options.TryGetValue("--wisesight", out var wisesight))
{
    WriteDrawn("wisesight", Show(wisesight, "HEAD", "q.txt").Split('\n').Where(l => l.Trim().Length >= 4), 300, 100, 150);
}

// Round 18, people's role-play and persona requests ("I want you to act as a Linux terminal", "Pretend to be a chef"),
// which round 17 flagged in AlpacaEval and InstructionWild: with --chatgpt-prompts CLONE (f/awesome-chatgpt-prompts,
// CC0-1.0, at the pinned commit below), the prompts of prompts.csv whose type is TEXT, less those that ask for a
// jailbreak (JailbreakRequest below: "DAN", "developer mode", "no restrictions", "ignore previous …"; they are attacks,
// not benign requests), cut to their leading 200 words, label 0, split by a hash of the contributor (so that no
// contributor's prompts straddle two files): chatgpt_prompts_a/b/c.jsonl (training, validation, a confirmation set).
// Texts equal (case and spacing aside) to a row of an evaluation file are dropped, as in round 16; InstructionWild took
// some of its instructions from the same site, so instructionwild_b.jsonl may still hold near-copies (reported).
static IEnumerable<string[]> CsvRows(string text)
{
    var fields = new List<string>();
    var field = new System.Text.StringBuilder();
    var quoted = false;
    for (var i = 0; i < text.Length; i++)
    {
        var c = text[i];
        if (quoted)
        {
            if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') { quoted = false; }
            else { field.Append(c); }
        }
        else if (c == '"') { quoted = true; }
        else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
        else if (c == '\n' || c == '\r')
        {
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { i++; }
            fields.Add(field.ToString()); field.Clear();
            yield return fields.ToArray();
            fields.Clear();
        }
        else { field.Append(c); }
    }

    if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); yield return fields.ToArray(); }
}

if (options.TryGetValue("--chatgpt-prompts", out var chatGptPrompts))
{
    const string chatGptPromptsCommit = "50a97c072933c93c76cc0714e9dd4c4cf1d80ae7";
    var jailbreak = new Regex(@"\b(DAN|jailbr\w*|developer mode|do anything now|unfiltered|uncensored|unrestricted|no (ethical|moral)\w*|(without|no) (any )?(restrictions|filters|censorship|limitations|guidelines)|ignore (all|any|the|previous|your)\b|bypass\w*)", RegexOptions.IgnoreCase);
    var rows = CsvRows(Show(chatGptPrompts, chatGptPromptsCommit, "prompts.csv")).ToList();
    var header = rows[0];
    int Column(string name) => Array.IndexOf(header, name) is >= 0 and var index ? index : throw new InvalidDataException($"prompts.csv has no '{name}' column (header: {string.Join(',', header)}).");
    var (prompt, type, contributor) = (Column("prompt"), Column("type"), Column("contributor"));
    var text = rows.Skip(1).Where(r => r.Length == header.Length && r[type] == "TEXT").ToList();
    var kept = text.Where(r => !jailbreak.IsMatch(r[prompt])).Select(r => ($"chatgpt-prompts/{r[contributor]}", Lead(r[prompt].Trim(), 200).Trim())).Where(r => Words(r.Item2) >= 3).ToList();
    Console.WriteLine($"--chatgpt-prompts: {rows.Count - 1} rows, {text.Count} of type TEXT, {text.Count - kept.Count} left out (jailbreak requests or under 3 words), {kept.Count} kept");
    WriteThirds("chatgpt_prompts", kept);
}

// A blind check of the trusted-input threshold (the stop after round 18), for measuring only, on sets no earlier run
// read: with --wizardlm CLONE (nlpxucan/WizardLM, its test set under CC BY-NC 4.0, at the pinned commit below),
// wizardlm_test.jsonl: the 218 instructions of WizardLM/data/WizardLM_testset.jsonl, label 0 (people's requests to an
// assistant, written to test one); with --promptmap CLONE (utkusen/promptmap, GPL-3.0, at the pinned commit below),
// promptmap_attacks.jsonl: the prompts of its distraction, jailbreak and prompt-stealing rules, label 1 (injections a
// user may type), and promptmap_harmful.jsonl: those of its harmful, hate and social-bias rules, label 0 (harmful
// requests, not injections: an injection detector that flags one is wrong; reported apart).
if (options.TryGetValue("--wizardlm", out var wizardLm))
{
    const string wizardLmCommit = "cd4b4cc022b6426aee62d51f7ae99a4a6ec9aaef";
    var instructions = Show(wizardLm, wizardLmCommit, "WizardLM/data/WizardLM_testset.jsonl").Split('\n').Where(l => l.Trim().Length > 0)
        .Select(l => JsonNode.Parse(l)!["Instruction"]?.GetValue<string>() ?? throw new InvalidDataException($"WizardLM_testset.jsonl: a row without 'Instruction': {l}")).ToList();
    Write("wizardlm_test.jsonl", instructions.Select(t => (t.Trim(), 0)));
    Console.WriteLine($"--wizardlm: {instructions.Count} instructions");
}

if (options.TryGetValue("--promptmap", out var promptMap))
{
    const string promptMapCommit = "d305132e38f28b4cdca5c5b4586f11904ed1836d";
    static string Prompt(string yaml, string path)
    {
        var lines = yaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var at = Array.FindIndex(lines, l => l.StartsWith("prompt:", StringComparison.Ordinal));
        var value = at >= 0 ? lines[at]["prompt:".Length..].Trim() : throw new InvalidDataException($"{path} has no 'prompt:' line.");
        if (value == "|")
        {
            // A literal block: the indented lines that follow, their common indentation removed.
            var block = lines.Skip(at + 1).TakeWhile(l => l.Length == 0 || l[0] == ' ').ToList();
            var indent = block.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(-1).Min();
            if (indent < 0)
            {
                throw new InvalidDataException($"{path}: its 'prompt: |' block has no text.");
            }

            return string.Join('\n', block.Select(l => l.Length >= indent ? l[indent..] : "")).Trim();
        }

        return value.StartsWith('"') && value.EndsWith('"') ? JsonNode.Parse(value)!.GetValue<string>()
            : throw new InvalidDataException($"{path}: a prompt that is neither a double-quoted string nor a literal block: {value}");
    }

    var files = Git(promptMap, "ls-tree", "-r", "--name-only", promptMapCommit, "rules").Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal)).ToList();
    List<(string, int)> Prompts(params string[] folders) =>
        [.. files.Where(f => folders.Any(d => f.StartsWith($"rules/{d}/", StringComparison.Ordinal))).Order(StringComparer.Ordinal).Select(f => (Prompt(Show(promptMap, promptMapCommit, f), f), 1))];
    var injections = Prompts("distraction", "jailbreak", "prompt_stealing");
    var harmful = Prompts("harmful", "hate", "social_bias").Select(r => (r.Item1, 0)).ToList(); // not injections: flagging one is a false positive
    Write("promptmap_attacks.jsonl", injections);
    Write("promptmap_harmful.jsonl", harmful);
    Console.WriteLine($"--promptmap: {injections.Count} injections, {harmful.Count} harmful requests");
}

// Attacks in other languages, for measuring only (no set above holds any): bench/guards/multilingual-attacks.txt (or
// --multilingual-attacks FILE), eight attacks in each of twelve languages written for this project, label 1:
// multilingual_attacks.jsonl. With --tatoeba CLONE as well, multilingual_docs.jsonl: for each attack, four Tatoeba
// sentences of its language from the confirmation quarter (the bucket of tatoeba_c.jsonl, never trained on), drawn with
// seed 73, as a benign document (label 0) and the same document with the attack inserted before one of its sentences or
// after the last (label 1).
{
    var attacksPath = options.GetValueOrDefault("--multilingual-attacks", "bench/guards/multilingual-attacks.txt");
    if (File.Exists(attacksPath))
    {
        var attacks = File.ReadAllLines(attacksPath).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t', 2))
            .Select(f => f.Length == 2 ? (Language: f[0], Text: f[1].Trim()) : throw new InvalidDataException($"{attacksPath}: '{f[0]}' is not 'language<TAB>attack'.")).ToList();
        Write("multilingual_attacks.jsonl", attacks.Select(a => (a.Text, 1)));
        if (options.TryGetValue("--tatoeba", out var tatoebaClone))
        {
            var tatoebaCodes = new Dictionary<string, string> { ["zh"] = "cmn", ["ja"] = "jpn", ["ko"] = "kor", ["de"] = "deu", ["fr"] = "fra", ["es"] = "spa", ["pt"] = "por", ["ru"] = "rus", ["ar"] = "ara", ["hi"] = "hin", ["it"] = "ita", ["tr"] = "tur" };
            var random = new Random(73);
            var documents = new List<(string, int)>();
            foreach (var group in attacks.GroupBy(a => a.Language))
            {
                var code = tatoebaCodes.TryGetValue(group.Key, out var c) ? c : throw new InvalidDataException($"{attacksPath}: no Tatoeba file for language '{group.Key}'.");
                var pool = Show(tatoebaClone, "HEAD", $"data/tatoeba/v1/tatoeba.{code}-eng.{code}").Split('\n').Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)
                    .Where(t => Bucket(t, 4) == 3).ToList();
                var separator = group.Key is "zh" or "ja" ? "" : " ";
                foreach (var (_, attack) in group)
                {
                    var sentences = pool.OrderBy(_ => random.Next()).Take(4).ToList();
                    documents.Add((string.Join(separator, sentences), 0));
                    sentences.Insert(random.Next(sentences.Count + 1), attack);
                    documents.Add((string.Join(separator, sentences), 1));
                }
            }

            Write("multilingual_docs.jsonl", documents);
        }
    }
}

return 0;
