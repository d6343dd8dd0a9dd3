using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Cli.Tests;

/// <summary>A temp folder with a training set, and a loopback OpenAI-compatible server answering by content.</summary>
internal sealed class OptimizeFixture : IAsyncDisposable
{
    /// <param name="examples">How many training examples.</param>
    /// <param name="latency">The server's latency.</param>
    /// <param name="firstRules">Rules the scripted client tries before the fixture's.</param>
    /// <param name="around">Wraps the scripted client the server answers with (to hold requests back, for example).</param>
    public OptimizeFixture(int examples = 8, TimeSpan latency = default, Action<ScriptedChatClient>? firstRules = null, Func<IChatClient, IChatClient>? around = null)
    {
        Folder = Directory.CreateTempSubdirectory("declarative-optimize-").FullName;
        Trainset = Path.Combine(Folder, "train.jsonl");
        File.WriteAllLines(Trainset, Enumerable.Range(0, examples).Select(i => $"{{\"question\": \"q{i}\", \"answer\": \"a{i}\"}}"));
        // Right on questions divisible by three; on the others right only when the prompt holds that question's demo
        // (FollowExamples), otherwise "wrong" (a queue of identical answers, so the order of requests does not matter).
        var scripted = new ScriptedChatClient().FollowExamples();
        firstRules?.Invoke(scripted);
        for (var i = 0; i < examples; i += 3)
        {
            scripted.When($"[[ ## question ## ]]\nq{i}\n", ("answer", $"a{i}"));
        }

        for (var i = 0; i < 20_000; i++)
        {
            scripted.Answer(("answer", "wrong"));
        }

        Server = new OpenAiTestServer(around?.Invoke(scripted) ?? scripted, new OpenAiTestServerOptions { Latency = latency });
    }

    public string Folder { get; }

    public string Trainset { get; }

    public OpenAiTestServer Server { get; }

    public string Lm => $"openai-compatible:{Server.Endpoint}#test-model";

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>
    /// The optimize arguments for a string signature, with a cache, output and run folder named by <paramref name="tag"/>;
    /// an option in <paramref name="extra"/> replaces the default of the same name.
    /// </summary>
    public List<string> Args(string tag, string cache = "cache.db", params string[] extra)
    {
        var defaults = new List<(string Name, string Value)>
        {
            ("-s", "question -> answer"), ("--trainset", Trainset), ("--metric", "exact_match"), ("--optimizer", "random-search"),
            ("--auto", "light"), ("--seed", "1"), ("--lm", Lm), ("--cache", PathOf(cache)), ("--out", PathOf(tag + ".json")),
        };
        var args = new List<string> { "optimize" };
        foreach (var (name, value) in defaults.Where(d => !extra.Contains(d.Name)))
        {
            args.Add(name);
            args.Add(value);
        }

        args.AddRange(extra);
        return args;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
