using Declarative.Testing;

namespace Declarative.Optimizers.Tests;

public class FewShotTests
{
    private static readonly Metric Exact = Metrics.ExactMatch();

    private static List<Example> Trainset(int n) =>
        Enumerable.Range(0, n).Select(i => Example.Of(("question", $"q{i}"), ("answer", $"a{i}")).WithInputs("question")).ToList();

    private static ScriptedChatClient RightAnswers(int n)
    {
        var client = new ScriptedChatClient();
        for (var i = n - 1; i >= 0; i--)
        {
            // Longest first, so "q1" does not answer "q10".
            client.When($"[[ ## question ## ]]\nq{i}\n", ("answer", $"a{i}"));
        }

        return client;
    }

    [Fact]
    public void LabeledFewShot_takes_k_of_a_seeded_shuffle_and_leaves_the_student_alone()
    {
        var student = new Predict("question -> answer");
        var trainset = Trainset(10);

        var compiled = new LabeledFewShot(new LabeledFewShotOptions { K = 3 }).Compile(student, trainset);
        var again = new LabeledFewShot(new LabeledFewShotOptions { K = 3 }).Compile(student, trainset);

        Assert.Empty(student.Demos);
        Assert.NotSame(student, compiled);
        Assert.Equal(3, compiled.Demos.Count);
        Assert.Equal(compiled.Demos.Select(d => d["question"]), again.Demos.Select(d => d["question"]));
        Assert.All(compiled.Demos, d => Assert.Contains(trainset, e => Equals(e["question"], d["question"]) && Equals(e["answer"], d["answer"])));
    }

    [Fact]
    public void LabeledFewShot_without_sampling_takes_the_first_k_and_caps_at_the_trainset()
    {
        var student = new Predict("question -> answer");
        var first = new LabeledFewShot(new LabeledFewShotOptions { K = 2, Sample = false }).Compile(student, Trainset(5));
        var all = new LabeledFewShot().Compile(student, Trainset(5));

        Assert.Equal(["q0", "q1"], first.Demos.Select(d => (string)d["question"]!));
        Assert.Equal(5, all.Demos.Count);
        Assert.Empty(new LabeledFewShot().Compile(student, []).Demos);
    }

    [Fact]
    public void Options_are_validated_when_the_optimizer_is_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LabeledFewShot(new LabeledFewShotOptions { K = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxRounds = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxErrors = 0 }));
    }

    [Fact]
    public async Task Bootstrap_with_one_demo_each_keeps_the_first_training_example_bootstrapped()
    {
        // DSPy's test_compile_with_predict_instances / test_bootstrap_effectiveness: right answers, one bootstrapped
        // demo and one labeled demo at most, so the only demo is the first training example.
        var trainset = Trainset(2);
        var client = RightAnswers(2);
        var student = new Predict("question -> answer");
        var optimizer = new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxBootstrappedDemos = 1, MaxLabeledDemos = 1 });

        var compiled = await optimizer.CompileAsync(student, trainset, new RunContext(client));

        var demo = Assert.Single(compiled.Demos);
        Assert.Equal("q0", demo["question"]);
        Assert.Equal("a0", demo["answer"]);
        Assert.Equal(["question"], demo.InputKeys);
        Assert.Empty(student.Demos);
        Assert.Equal(1, client.CallCount); // stopped once one example was bootstrapped
    }

    [Fact]
    public async Task Labeled_demos_fill_up_from_the_examples_that_were_not_bootstrapped()
    {
        var trainset = Trainset(6);
        var student = new Predict("question -> answer");
        var optimizer = new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxBootstrappedDemos = 2, MaxLabeledDemos = 4 });

        var compiled = await optimizer.CompileAsync(student, trainset, new RunContext(RightAnswers(6)));

        Assert.Equal(4, compiled.Demos.Count);
        Assert.Equal(["q0", "q1"], compiled.Demos.Take(2).Select(d => (string)d["question"]!));
        var labeled = compiled.Demos.Skip(2).Select(d => (string)d["question"]!).ToList();
        Assert.Equal(2, labeled.Distinct().Count());
        Assert.DoesNotContain("q0", labeled);
        Assert.DoesNotContain("q1", labeled);
    }

    [Fact]
    public async Task Failing_metric_bootstraps_nothing_and_wrong_answers_are_skipped()
    {
        var trainset = Trainset(3);
        var client = new ScriptedChatClient()
            .When("[[ ## question ## ]]\nq0\n", ("answer", "wrong"))
            .When("[[ ## question ## ]]\nq1\n", ("answer", "a1"))
            .When("[[ ## question ## ]]\nq2\n", ("answer", "a2"));
        var optimizer = new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxBootstrappedDemos = 1, MaxLabeledDemos = 0 });

        var compiled = await optimizer.CompileAsync(new Predict("question -> answer"), trainset, new RunContext(client));

        Assert.Equal("q1", Assert.Single(compiled.Demos)["question"]);
    }

    [Fact]
    public async Task A_throwing_program_fails_when_max_errors_examples_have_thrown()
    {
        var calls = 0;
        var optimizer = new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxErrors = 3 });

        var error = await Assert.ThrowsAsync<OptimizationException>(() => optimizer.CompileAsync<Predict>(
            new Predict("question -> answer"),
            Trainset(10),
            (_, _, _, _) =>
            {
                calls++;
                throw new InvalidOperationException("model down");
            },
            new RunContext(new ScriptedChatClient())));

        Assert.Equal(3, calls); // DSPy raises when error_count >= max_errors
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("MaxErrors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fewer_errors_than_max_errors_are_skipped()
    {
        var trainset = Trainset(3);
        var optimizer = new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxErrors = 2, MaxLabeledDemos = 0 });

        var compiled = await optimizer.CompileAsync<Predict>(
            new Predict("question -> answer"),
            trainset,
            (p, e, c, ct) => Equals(e["question"], "q0") ? throw new InvalidOperationException("once") : Optimizer.RunPredict(p, e, c, ct),
            new RunContext(RightAnswers(3)));

        Assert.Equal(["q1", "q2"], compiled.Demos.Select(d => (string)d["question"]!));
    }

    [Fact]
    public async Task Later_rounds_use_fresh_rollout_ids_and_temperature_one()
    {
        var client = new ScriptedChatClient()
            .Answer(("answer", "wrong"))
            .Answer(("answer", "wrong"))
            .Answer(("answer", "a0"));
        var optimizer = new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxBootstrappedDemos = 1, MaxLabeledDemos = 0, MaxRounds = 3 });

        var compiled = await optimizer.CompileAsync(new Predict("question -> answer"), Trainset(1), new RunContext(client));

        Assert.Equal("a0", Assert.Single(compiled.Demos)["answer"]);
        var requests = client.Requests;
        Assert.Equal(3, requests.Count);
        var rollouts = requests.Select(r => r.Options?.AdditionalProperties?.TryGetValue(OptionKeys.RolloutId, out var id) == true ? id as string : null).ToList();
        Assert.Null(rollouts[0]);
        Assert.Equal(["1", "2"], rollouts.Skip(1));
        Assert.Equal(1.0f, requests[1].Options?.Temperature);
        Assert.Equal(1.0f, requests[2].Options?.Temperature);
    }

    [Fact]
    public async Task The_default_teacher_has_labeled_demos_but_never_the_example_it_answers()
    {
        var trainset = Trainset(3);
        var client = RightAnswers(3);
        var optimizer = new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxBootstrappedDemos = 3, MaxLabeledDemos = 2 });

        await optimizer.CompileAsync(new Predict("question -> answer"), trainset, new RunContext(client));

        foreach (var request in client.Requests)
        {
            var last = request.Messages[^1].Text;
            var demoTexts = request.Messages.Take(request.Messages.Count - 1).Select(m => m.Text).ToList();
            var asked = trainset.Single(e => last.Contains($"\n{e["question"]}\n", StringComparison.Ordinal))["question"];
            Assert.DoesNotContain(demoTexts, t => t.Contains($"\n{asked}\n", StringComparison.Ordinal));
            Assert.True(request.Messages.Count > 2); // the teacher had demos
        }
    }

    [Fact]
    public async Task Same_seed_gives_the_same_demos()
    {
        var trainset = Trainset(12);
        var options = new BootstrapFewShotOptions { MaxBootstrappedDemos = 2, MaxLabeledDemos = 6, Seed = 7 };

        var a = await new BootstrapFewShot(Exact, options).CompileAsync(new Predict("question -> answer"), trainset, new RunContext(RightAnswers(12)));
        var b = await new BootstrapFewShot(Exact, options).CompileAsync(new Predict("question -> answer"), trainset, new RunContext(RightAnswers(12)));

        Assert.Equal(a.Demos.Select(d => d["question"]), b.Demos.Select(d => d["question"]));
    }

    [Fact]
    public async Task A_multi_predictor_program_gets_demos_per_predictor_from_its_traces()
    {
        var client = new ScriptedChatClient()
            .When("[[ ## question ## ]]\nq0\n", ("draft", "d0"))
            .When("[[ ## draft ## ]]\nd0\n", ("answer", "a0"));
        var student = new TwoStep();
        var optimizer = new BootstrapFewShot(Exact, new BootstrapFewShotOptions { MaxBootstrappedDemos = 1, MaxLabeledDemos = 0 });

        var compiled = await optimizer.CompileAsync(student, Trainset(1), TwoStep.RunAsync, new RunContext(client));

        Assert.Equal("d0", Assert.Single(compiled.Draft.Demos)["draft"]);
        Assert.Equal("a0", Assert.Single(compiled.Finish.Demos)["answer"]);
        Assert.Empty(student.Draft.Demos);
        Assert.Empty(student.Finish.Demos);
    }

    [Fact]
    public async Task Labeled_few_shot_makes_a_demo_following_model_right()
    {
        // Synthetic task: the model only knows answers shown in its demos (DSPy DummyLM's follow_examples).
        var trainset = Trainset(4);
        var client = new ScriptedChatClient().FollowExamples();
        var student = new Predict("question -> answer");
        var compiled = new LabeledFewShot(new LabeledFewShotOptions { K = 4 }).Compile(student, trainset);

        var result = await new Evaluator().EvaluateAsync(compiled, new RunContext(client), trainset, Exact);

        Assert.Equal(100, result.Score);
        await Assert.ThrowsAnyAsync<Exception>(() => student.InvokeAsync(trainset[0].Inputs(), new RunContext(client)));
    }

    private sealed class TwoStep : Module
    {
        public Predict Draft { get; } = new("question -> draft") { Name = "draft" };

        public Predict Finish { get; } = new("draft -> answer") { Name = "finish" };

        public static async Task<Prediction> RunAsync(TwoStep program, Example example, RunContext context, CancellationToken cancellationToken)
        {
            var draft = await program.Draft.InvokeAsync(example.Inputs(), context, null, cancellationToken);
            return await program.Finish.InvokeAsync(new Dictionary<string, object?> { ["draft"] = draft["draft"] }, context, null, cancellationToken);
        }
    }
}
