namespace Declarative.Optimizers.Tests;

public class EnsembleTests
{
    private static readonly Example Question = Example.Of(("question", "q"), ("answer", "x")).WithInputs("question");

    private static Prediction Answer(string? answer) =>
        new(new Dictionary<string, object?> { ["answer"] = answer }, answer ?? string.Empty, "test", null);

    /// <summary>Programs told apart by name; each answers with what <paramref name="answers"/> gives for its name.</summary>
    private static (List<Predict> Programs, Func<Predict, Example, RunContext, CancellationToken, Task<Prediction>> Run) Programs(params string?[] answers)
    {
        var programs = answers.Select((_, i) => new Predict("question -> answer") { Name = $"p{i}" }).ToList();
        return (programs, (p, _, _, _) => Task.FromResult(Answer(answers[int.Parse(p.Name![1..], System.Globalization.CultureInfo.InvariantCulture)])));
    }

    private static readonly RunContext Context = new(new Declarative.Testing.ScriptedChatClient());

    [Fact]
    public async Task Majority_picks_the_most_common_normalized_answer_and_returns_its_first_prediction()
    {
        var (programs, run) = Programs("Paris", "London", "the paris.", "London", "Paris!");
        var ensembled = new Ensemble(Ensemble.Majority()).Compile(programs, run);

        var prediction = await ensembled.InvokeAsync(Question, Context);

        Assert.Equal("Paris", prediction["answer"]);
    }

    [Fact]
    public async Task Majority_tie_goes_to_the_value_seen_first()
    {
        var (programs, run) = Programs("b", "a", "a", "b");
        var prediction = await new Ensemble(Ensemble.Majority("answer")).Compile(programs, run).InvokeAsync(Question, Context);

        Assert.Equal("b", prediction["answer"]);
    }

    [Fact]
    public async Task Majority_ignores_empty_answers_and_with_no_majority_returns_the_first_prediction()
    {
        var (programs, run) = Programs("", "the", "c");
        Assert.Equal("c", (await new Ensemble(Ensemble.Majority()).Compile(programs, run).InvokeAsync(Question, Context))["answer"]);

        var (empty, runEmpty) = Programs("!", null, "x");
        var none = Programs("!", "", "the");
        var first = await new Ensemble(Ensemble.Majority()).Compile(none.Programs, none.Run).InvokeAsync(Question, Context);
        Assert.Equal("!", first["answer"]);
        Assert.Equal("x", (await new Ensemble(Ensemble.Majority()).Compile(empty, runEmpty).InvokeAsync(Question, Context))["answer"]);
    }

    [Fact]
    public async Task A_custom_reduce_sees_every_prediction_in_program_order()
    {
        var (programs, run) = Programs("1", "2", "3");
        var ensembled = new Ensemble(ps => Answer(string.Concat(ps.Select(p => (string)p["answer"]!)))).Compile(programs, run);

        Assert.Equal("123", (await ensembled.InvokeAsync(Question, Context))["answer"]);
        Assert.NotSame(programs[0], ensembled.Programs[0]);
    }

    [Fact]
    public async Task Size_samples_that_many_programs_per_call_deterministically()
    {
        var (programs, run) = Programs("1", "2", "3", "4", "5");
        Func<IReadOnlyList<Prediction>, Prediction> join = ps => Answer(string.Join(",", ps.Select(p => (string)p["answer"]!)));

        var a = new Ensemble(join, size: 2, seed: 7).Compile(programs, run);
        var b = new Ensemble(join, size: 2, seed: 7).Compile(programs, run);
        var first = new List<object?>();
        var second = new List<object?>();
        for (var i = 0; i < 4; i++)
        {
            first.Add((await a.InvokeAsync(Question, Context))["answer"]);
            second.Add((await b.InvokeAsync(Question, Context))["answer"]);
        }

        Assert.Equal(first, second);
        Assert.All(first, v => Assert.Equal(2, ((string)v!).Split(',').Distinct().Count()));
        Assert.Throws<ArgumentException>(() => new Ensemble(join, size: 6).Compile(programs, run));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ensemble(join, size: 0));
    }
}
