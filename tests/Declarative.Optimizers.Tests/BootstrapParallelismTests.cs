using Declarative.Testing;

namespace Declarative.Optimizers.Tests;

/// <summary>Bootstrapping several training examples at once gives the same demos with the same calls as one by one.</summary>
public sealed class BootstrapParallelismTests
{
    private static List<Example> Trainset(int n) =>
        Enumerable.Range(0, n).Select(i => Example.Of(("question", $"q{i}"), ("answer", $"a{i}")).WithInputs("question")).ToList();

    /// <summary>Right on questions divisible by three; q4 makes the program throw.</summary>
    private static ScriptedChatClient Scripted(int n)
    {
        var client = new ScriptedChatClient();
        for (var i = n - 1; i >= 0; i--)
        {
            client.When($"[[ ## question ## ]]\nq{i}\n", ("answer", i % 3 == 0 ? $"a{i}" : "wrong"));
        }

        return client;
    }

    private static Task<Prediction> Run(Predict predict, Example example, RunContext context, CancellationToken ct) =>
        Equals(example["question"], "q4") ? throw new InvalidOperationException("boom") : Optimizer.RunPredict(predict, example, context, ct);

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 2)]
    public async Task Parallel_bootstrapping_gives_the_same_demos_and_calls(int maxBootstrapped, int rounds)
    {
        async Task<(string Json, int Calls)> CompileAsync(int parallelism)
        {
            var client = Scripted(16);
            var compiled = await new BootstrapFewShot(Metrics.ExactMatch(), new BootstrapFewShotOptions
            {
                MaxBootstrappedDemos = maxBootstrapped, MaxLabeledDemos = 6, MaxRounds = rounds, Seed = 2, MaxParallelism = parallelism,
            }).CompileAsync(new Predict("question -> answer"), Trainset(16), Run, new RunContext(client));
            return (ProgramState.Capture(compiled).ToJson(), client.CallCount);
        }

        var one = await CompileAsync(1);
        var four = await CompileAsync(4);
        Assert.Equal(one.Json, four.Json);
        Assert.Equal(one.Calls, four.Calls);
        Assert.True(one.Calls > maxBootstrapped);
    }

    [Fact]
    public async Task Errors_still_stop_the_run_at_MaxErrors()
    {
        var error = await Assert.ThrowsAsync<OptimizationException>(() => new BootstrapFewShot(Metrics.ExactMatch(), new BootstrapFewShotOptions
        {
            MaxBootstrappedDemos = 4, MaxRounds = 2, MaxErrors = 2, MaxParallelism = 4,
        }).CompileAsync(new Predict("question -> answer"), Trainset(8), Run, new RunContext(Scripted(8))));
        Assert.Contains("training example 4", error.Message);
    }
}
