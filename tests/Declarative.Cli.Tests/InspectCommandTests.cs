using System.Text.Json.Nodes;

namespace Declarative.Cli.Tests;

public sealed class InspectCommandTests
{
    [Fact]
    public async Task Shows_instructions_demos_and_the_exact_messages_for_a_sample_input()
    {
        await using var f = new OptimizeFixture();
        var state = new Predict(Signature.Parse("question -> answer", "Answer briefly."))
            .WithDemos([Example.Of(("question", "q1"), ("answer", "a1")).WithInputs("question")]);
        await state.SaveAsync(f.PathOf("p.json"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("inspect", f.PathOf("p.json"), "-s", "question -> answer", "-i", "{\"question\": \"Why?\"}");
        Assert.True(code == 0, stderr);
        var predictor = JsonNode.Parse(stdout)!["predictors"]![0]!;
        Assert.Equal("self", predictor["name"]!.GetValue<string>());
        Assert.Equal("Answer briefly.", predictor["instructions"]!.GetValue<string>());
        Assert.Equal("a1", predictor["demos"]![0]!["answer"]!.GetValue<string>());
        var messages = predictor["messages"]!.AsArray();

        // The same messages `declarative prompt` prints for this signature, instructions, demo and input.
        File.WriteAllText(f.PathOf("demos.jsonl"), "{\"question\": \"q1\", \"answer\": \"a1\"}\n");
        var prompt = await CliRunner.RunAsync("prompt", "-s", "question -> answer", "--instructions", "Answer briefly.", "-i", "{\"question\": \"Why?\"}", "--demos", f.PathOf("demos.jsonl"));
        Assert.Equal(prompt.Stdout.Trim(), messages.ToJsonString(JsonOutput.Options));
        Assert.Contains("Why?", messages[^1]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_assembly_program_shows_its_predictors_messages_with_the_first_demo_as_sample()
    {
        await using var f = new OptimizeFixture();
        var demo = ProgramState.Capture(new Predict("question -> answer").WithDemos([Example.Of(("question", "q7"), ("answer", "a7")).WithInputs("question")])).Predictors["self"];
        await new SampleQaProgram().WithState(new ProgramState(new Dictionary<string, PredictorState> { ["answer"] = demo })).SaveAsync(f.PathOf("p.json"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("inspect", f.PathOf("p.json"), "--assembly", typeof(SampleQaProgram).Assembly.Location, "--program", nameof(SampleQaProgram));
        Assert.True(code == 0, stderr);
        var predictor = JsonNode.Parse(stdout)!["predictors"]![0]!;
        Assert.Equal("answer", predictor["name"]!.GetValue<string>());
        var messages = predictor["messages"]!.AsArray();
        Assert.Equal(4, messages.Count); // system, the demo's user and assistant turns, the sample
        Assert.Contains("q7", messages[^1]!["content"]!.GetValue<string>()); // the first demo's inputs as the sample
    }

    [Fact]
    public async Task Without_a_program_it_shows_demos_and_says_how_to_see_messages()
    {
        await using var f = new OptimizeFixture();
        await new Predict("question -> answer").SaveAsync(f.PathOf("p.json"));
        var (code, stdout, stderr) = await CliRunner.RunAsync("inspect", f.PathOf("p.json"));
        Assert.Equal(0, code);
        Assert.Null(JsonNode.Parse(stdout)!["predictors"]![0]!["messages"]);
        Assert.Contains("--signature", stderr);
        Assert.Equal(2, (await CliRunner.RunAsync("inspect", f.PathOf("missing.json"))).Code);
    }
}
