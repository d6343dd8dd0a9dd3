using System.Text.Json.Nodes;

namespace Declarative.Optimizers.Tests;

/// <summary>
/// The replay contract of the search optimizers: a run resumed from a journal cut anywhere reaches the same program and
/// candidate table as the uninterrupted run, without repeating the journaled LM work.
/// </summary>
public sealed class ResumeTests
{
    private static readonly Metric Exact = Metrics.ExactMatch("answer");

    public static TheoryData<string, double> Cuts => new()
    {
        { "COPRO", 0.5 },
        { "MIPROv2", 0.3 },
        { "MIPROv2", 0.7 },
        { "SIMBA", 0.5 },
        { "GEPA", 0.4 },
    };

    private static Optimizer Create(string name) => name switch
    {
        "COPRO" => new Copro(Exact, new CoproOptions { Breadth = 3, Depth = 2 }),
        "MIPROv2" => new MiproV2(Exact, new MiproOptions { Auto = null, NumCandidates = 4, NumTrials = 8, TpeStartupTrials = 3, MinibatchSize = 3, MinibatchFullEvalSteps = 3 }),
        "SIMBA" => new Simba(Exact, new SimbaOptions { BatchSize = 4, NumCandidates = 3, MaxSteps = 3, MaxDemos = 2 }),
        _ => new Gepa(GepaTests.WithFeedback, new GepaOptions { Auto = null, MaxMetricCalls = 60 }),
    };

    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task A_run_resumed_from_a_cut_journal_reaches_the_same_result(string name, double cut)
    {
        static SyntheticTaskClient Client() => new("Be brief.", "Think step by step.", SyntheticTaskClient.Magic) { RightWhenSampled = true };

        var full = new MemoryJournal([], []);
        var fullClient = Client();
        var first = await Create(name).OptimizeAsync(
            new Predict("question -> answer"), SyntheticTaskClient.Examples(8), SyntheticTaskClient.Examples(6, 50), Optimizer.RunPredict, new RunContext(fullClient), new OptimizationRun(full, null));

        // Keep the steps (and the candidates scored) before the cut, as a crash would leave them.
        var steps = full.Recorded.Take((int)(full.Recorded.Count * cut)).ToList();
        var candidates = full.RecordedCandidates.Take((int)(full.RecordedCandidates.Count * cut)).ToList();
        var resumedClient = Client();
        var resumed = await Create(name).OptimizeAsync(
            new Predict("question -> answer"), SyntheticTaskClient.Examples(8), SyntheticTaskClient.Examples(6, 50), Optimizer.RunPredict, new RunContext(resumedClient), new OptimizationRun(new MemoryJournal(steps, candidates), null));

        Assert.Equal(ProgramState.Capture(first.Program).ToJson(), ProgramState.Capture(resumed.Program).ToJson());
        Assert.Equal(CoproTests.Table(first.Candidates), CoproTests.Table(resumed.Candidates));
        Assert.True(resumedClient.TaskCalls + resumedClient.ProposalCalls < fullClient.TaskCalls + fullClient.ProposalCalls);
    }

    /// <summary>A journal in memory: what an earlier run left, plus what this run records.</summary>
    private sealed class MemoryJournal(List<KeyValuePair<string, JsonNode?>> steps, List<OptimizationCandidate> candidates) : IOptimizationJournal
    {
        public List<KeyValuePair<string, JsonNode?>> Recorded { get; } = [.. steps];

        public List<OptimizationCandidate> RecordedCandidates { get; } = [.. candidates];

        public IReadOnlyList<KeyValuePair<string, JsonNode?>> Steps => steps;

        public IReadOnlyList<OptimizationCandidate> Candidates => candidates;

        public Task AppendStepAsync(string key, JsonNode? result, CancellationToken cancellationToken)
        {
            lock (Recorded)
            {
                Recorded.Add(new(key, result?.DeepClone()));
            }

            return Task.CompletedTask;
        }

        public Task AppendCandidateAsync(OptimizationCandidate candidate, CancellationToken cancellationToken)
        {
            lock (RecordedCandidates)
            {
                RecordedCandidates.Add(candidate);
            }

            return Task.CompletedTask;
        }
    }
}
