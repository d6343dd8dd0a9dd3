using System.Text.Json.Nodes;

namespace Declarative.Optimizers.Tests;

/// <summary>The file journal of <see cref="OptimizationRun.OpenAsync"/>: replay, fingerprints, torn and corrupt lines.</summary>
public sealed class FileJournalTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-journal-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static OptimizationCandidate Candidate(int index, double score) =>
        new(index, $"seed {index - 3}", score, true,
            ProgramState.Capture(new Predict("question -> answer").WithDemos([Example.Of(("question", "q"), ("answer", $"a{index}")).WithInputs("question")])),
            new Dictionary<string, string> { ["demos.self"] = "1" });

    private static Task<int> Step(OptimizationRun run, string key, int value, Action onCompute) =>
        run.StepAsync(key, _ => { onCompute(); return Task.FromResult(value); }, v => JsonValue.Create(v), n => n!.GetValue<int>());

    [Fact]
    public async Task A_resumed_run_replays_steps_and_candidates_without_computing()
    {
        var computed = 0;
        var first = await OptimizationRun.OpenAsync(folder, "fp", resume: false, null);
        Assert.Equal(Path.Combine(folder, OptimizationRun.JournalFileName), first.JournalPath);
        Assert.Equal(1, await Step(first, "a", 1, () => computed++));
        Assert.Equal(2, await Step(first, "b", 2, () => computed++));
        await first.AddCandidateAsync(Candidate(3, 50));
        await first.AddCandidateAsync(Candidate(4, 75.5));
        Assert.Equal(2, computed);

        var events = new List<OptimizationEvent>();
        var resumed = await OptimizationRun.OpenAsync(folder, "fp", resume: true, new SyncProgress(events.Add));
        Assert.Equal(1, await Step(resumed, "a", 100, () => computed++));
        Assert.Equal(2, await Step(resumed, "b", 200, () => computed++));
        Assert.Equal(3, await Step(resumed, "c", 3, () => computed++));
        await resumed.AddCandidateAsync(Candidate(3, 0)); // replayed: the journaled one stays
        Assert.Equal(3, computed); // only the new step ran
        Assert.Equal([3, 4], resumed.Candidates.Select(c => c.Index));
        Assert.Equal(75.5, resumed.Best!.Score);
        Assert.Equal("a4", resumed.Best.State.Predictors["self"].Demos[0]["answer"]?.ToString());
        Assert.Equal("1", resumed.Best.Details["demos.self"]);
        Assert.Equal(
            [OptimizationEventKind.StepReplayed, OptimizationEventKind.StepReplayed, OptimizationEventKind.StepCompleted, OptimizationEventKind.CandidateReplayed],
            events.Select(e => e.Kind));

        // The new step was journaled too.
        var third = await OptimizationRun.OpenAsync(folder, "fp", resume: true, null);
        Assert.Equal(3, await Step(third, "c", 300, () => computed++));
        Assert.Equal(3, computed);
    }

    [Fact]
    public async Task A_different_fingerprint_or_an_existing_journal_without_resume_is_refused_with_the_fix()
    {
        var run = await OptimizationRun.OpenAsync(folder, "fp-1", resume: false, null);
        await Step(run, "a", 1, () => { });

        var changed = await Assert.ThrowsAsync<OptimizationJournalException>(() => OptimizationRun.OpenAsync(folder, "fp-2", resume: true, null));
        Assert.Contains("different run", changed.Message);
        Assert.Contains("delete the journal", changed.Message);
        Assert.Equal(run.JournalPath, changed.Path);

        var exists = await Assert.ThrowsAsync<OptimizationJournalException>(() => OptimizationRun.OpenAsync(folder, "fp-1", resume: false, null));
        Assert.Contains("--resume", exists.Message);
    }

    [Fact]
    public async Task A_torn_last_line_is_dropped_and_the_run_continues_cleanly()
    {
        var path = Path.Combine(folder, "run.jsonl");
        var run = await OptimizationRun.OpenAsync(path, "fp", resume: false, null);
        await Step(run, "a", 1, () => { });
        await File.AppendAllTextAsync(path, "{\"kind\":\"step\",\"key\":\"b\",\"res"); // died mid-append

        var computed = 0;
        var resumed = await OptimizationRun.OpenAsync(path, "fp", resume: true, null);
        Assert.Equal(1, await Step(resumed, "a", 10, () => computed++));
        Assert.Equal(2, await Step(resumed, "b", 2, () => computed++)); // recomputed: the torn record was not kept
        Assert.Equal(1, computed);
        Assert.All(File.ReadAllLines(path), l => JsonNode.Parse(l)); // the file is whole lines again

        var again = await OptimizationRun.OpenAsync(path, "fp", resume: true, null);
        Assert.Equal(2, await Step(again, "b", 20, () => computed++));
    }

    [Fact]
    public async Task A_corrupt_line_before_the_end_is_a_typed_error_naming_the_line()
    {
        var path = Path.Combine(folder, "run.jsonl");
        var run = await OptimizationRun.OpenAsync(path, "fp", resume: false, null);
        await Step(run, "a", 1, () => { });
        await Step(run, "b", 2, () => { });
        var lines = File.ReadAllLines(path);
        lines[1] = lines[1][..10] + "#" + lines[1][11..];
        File.WriteAllLines(path, lines);

        var error = await Assert.ThrowsAsync<OptimizationJournalException>(() => OptimizationRun.OpenAsync(path, "fp", resume: true, null));
        Assert.Contains("corrupt at line 2", error.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_journal_is_refused()
    {
        var path = Path.Combine(folder, "notes.jsonl");
        File.WriteAllText(path, "{\"question\": \"q\"}\n");
        var error = await Assert.ThrowsAsync<OptimizationJournalException>(() => OptimizationRun.OpenAsync(path, "fp", resume: true, null));
        Assert.Contains("not a journal", error.Message);
    }

    [Fact]
    public void Fingerprints_separate_their_parts()
    {
        Assert.NotEqual(OptimizationRun.ComputeFingerprint(["ab", "c"]), OptimizationRun.ComputeFingerprint(["a", "bc"]));
        Assert.Equal(OptimizationRun.ComputeFingerprint(["a", "b"]), OptimizationRun.ComputeFingerprint(["a", "b"]));
        Assert.Equal(64, OptimizationRun.ComputeFingerprint([]).Length);
    }

    private sealed class SyncProgress(Action<OptimizationEvent> report) : IProgress<OptimizationEvent>
    {
        public void Report(OptimizationEvent value) => report(value);
    }
}
