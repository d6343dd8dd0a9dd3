using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Declarative.Cli.Tests;

/// <summary>
/// The real tool in its own process: killed mid-run and resumed until done, it writes the same program as an
/// uninterrupted run; and an optimized assembly program evaluates with <c>evaluate --program-state</c>.
/// </summary>
public sealed class OptimizeProcessTests
{
    [Fact]
    public async Task Killed_runs_resumed_until_done_write_the_same_bytes_as_an_uninterrupted_run()
    {
        // The server holds back every request once the resumed run's journal has two candidates more than when the run
        // started, so that the run cannot go on to finish while the test is still reading up to the second new candidate
        // (a test held up on a loaded machine used to find it finished): only requests already being answered can end.
        JournalGate? gate = null;
        await using var f = new OptimizeFixture(examples: 8, latency: TimeSpan.FromMilliseconds(40), around: inner => gate = new JournalGate(inner));
        var (code, _, stderr) = await CliRunner.RunAsync([.. f.Args("reference", "reference-cache.db")]);
        Assert.True(code == 0, stderr);

        var args = f.Args("resumed", "resumed-cache.db", "--resume", "--max-parallelism", "2", "--max-concurrent-candidates", "2");
        var journalPath = Path.Combine(f.PathOf("resumed.run"), "journal.jsonl");
        var kills = 0;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            gate!.Start(journalPath, JournalGate.Candidates(journalPath) + 2);
            var (exited, lines) = await RunUntilAsync([.. args], newCandidates: 2);
            gate.Stop();
            if (exited is { } exit)
            {
                Assert.True(exit == 0, string.Join("\n", lines));
                break;
            }

            kills++;
            Assert.True(attempt < 9, "the run never finished");
        }

        Assert.True(kills >= 2, $"the run was killed {kills} times; expected at least 2");
        Assert.Equal(File.ReadAllBytes(f.PathOf("reference.json")), File.ReadAllBytes(f.PathOf("resumed.json")));
        var journal = File.ReadAllLines(journalPath);
        Assert.Equal(7, journal.Count(l => l.Contains("\"kind\":\"candidate\"", StringComparison.Ordinal))); // each candidate journaled once
    }

    /// <summary>Starts the tool; kills it once it has scored <paramref name="newCandidates"/> candidates (not replayed). Returns the exit code when it ended by itself.</summary>
    private static async Task<(int? ExitCode, List<string> Lines)> RunUntilAsync(string[] args, int newCandidates)
    {
        using var process = CliRunner.Start(args);
        var lines = new List<string>();
        var scored = 0;
        var stdout = process.StandardOutput.ReadToEndAsync();
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line.StartsWith("optimize: candidate ", StringComparison.Ordinal) && !line.Contains("(replayed)", StringComparison.Ordinal) && ++scored == newCandidates)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                    return (null, lines);
                }
            }
        }

        await process.WaitForExitAsync();
        lines.Add(await stdout);
        return (process.ExitCode, lines);
    }

    /// <summary>
    /// Passes requests on while a run's journal holds fewer candidates than the run's limit; past it, holds each one until
    /// the run is stopped, then drops it (the server aborts the response; the process is gone by then).
    /// </summary>
    private sealed class JournalGate(IChatClient inner) : DelegatingChatClient(inner)
    {
        private volatile Run? run;

        /// <summary>The candidate records wholly written to <paramref name="journal"/> (a torn last line does not count).</summary>
        public static int Candidates(string journal)
        {
            if (!File.Exists(journal))
            {
                return 0;
            }

            // The process appends with FileShare.Read; reading must let it go on writing.
            using var stream = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var text = new StreamReader(stream).ReadToEnd();
            return text[..(text.LastIndexOf('\n') + 1)].Split('\n').Count(l => l.Contains("\"kind\":\"candidate\"", StringComparison.Ordinal));
        }

        public void Start(string journal, int limit) => run = new Run(journal, limit);

        public void Stop()
        {
            var stopped = run;
            run = null;
            stopped?.Stopped.Cancel();
        }

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (run is { } current && Candidates(current.Journal) >= current.Limit)
            {
                using var held = CancellationTokenSource.CreateLinkedTokenSource(current.Stopped.Token, cancellationToken);
                await Task.Delay(Timeout.Infinite, held.Token); // throws once the run is stopped
            }

            return await base.GetResponseAsync(messages, options, cancellationToken);
        }

        private sealed record Run(string Journal, int Limit)
        {
            public CancellationTokenSource Stopped { get; } = new();
        }
    }

    [Fact]
    public async Task An_assembly_program_optimized_with_its_own_metric_evaluates_with_its_program_state()
    {
        await using var f = new OptimizeFixture();
        var assembly = typeof(SampleQaProgram).Assembly.Location;
        var (code, stdout, stderr) = await CliRunner.RunAsync("optimize", "--assembly", assembly, "--program", nameof(SampleQaProgram),
            "--trainset", f.Trainset, "--metric", nameof(SampleQaProgram.SameAnswer), "--optimizer", "random-search", "--lm", f.Lm,
            "--cache", f.PathOf("cache.db"), "--out", f.PathOf("qa.json"));
        Assert.True(code == 0, stderr);
        var optimized = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!["score"]!.GetValue<double>();
        var state = ProgramState.Parse(File.ReadAllText(f.PathOf("qa.json")));
        Assert.NotEmpty(state.Predictors["answer"].Demos); // demos beat zero-shot on this server

        var (evaluated, evalOut, evalErr) = await CliRunner.RunAsync("evaluate", "--assembly", assembly, "--program", typeof(SampleQaProgram).FullName!,
            "--program-state", f.PathOf("qa.json"), "--devset", f.Trainset, "--metric", nameof(SampleQaProgram.SameAnswer), "--lm", f.Lm, "--cache", f.PathOf("cache.db"));
        Assert.True(evaluated == 0, evalErr);
        Assert.Equal(optimized, JsonNode.Parse(evalOut.Trim())!["score"]!.GetValue<double>());

        var (zeroShot, zeroOut, _) = await CliRunner.RunAsync("evaluate", "--assembly", assembly, "--program", nameof(SampleQaProgram),
            "--devset", f.Trainset, "--metric", nameof(SampleQaProgram.SameAnswer), "--lm", f.Lm, "--cache", f.PathOf("cache.db"));
        Assert.Equal(0, zeroShot);
        Assert.True(JsonNode.Parse(zeroOut.Trim())!["score"]!.GetValue<double>() < optimized);
    }

    [Fact]
    public async Task A_program_type_without_RunAsync_is_a_one_line_error_naming_the_convention()
    {
        await using var f = new OptimizeFixture();
        var (code, _, stderr) = await CliRunner.RunAsync("optimize", "--assembly", typeof(SampleQaProgram).Assembly.Location, "--program", nameof(OptimizeProcessTests),
            "--trainset", f.Trainset, "--lm", f.Lm, "--out", f.PathOf("x.json"));
        Assert.Equal(2, code);
        Assert.Contains("must be a non-abstract Module", stderr);
    }
}
