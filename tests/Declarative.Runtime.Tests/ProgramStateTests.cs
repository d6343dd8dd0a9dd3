using System.Text.Json.Nodes;
using Declarative.Testing;

namespace Declarative.Runtime.Tests;

public class ProgramStateTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-state-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Loads_a_program_saved_by_dspy()
    {
        var program = new ChainOfThought("question -> answer");
        await program.LoadAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "dspy_cot_program.json"));
        var signature = program.Predictor.Signature;
        Assert.Equal("Answer questions with short factoid answers.", signature.Instructions);
        Assert.Equal("often between 1 and 5 words", signature["answer"].Description);
        Assert.Null(signature["question"].Description);
        Assert.Equal("Reasoning: Let's think step by step in order to", signature["reasoning"].Prefix);
        Assert.Equal(2, program.Predictor.Demos.Count);
        Assert.Equal(["question"], program.Predictor.Demos[0].InputKeys);

        var messages = program.FormatMessages(new Dictionary<string, object?> { ["question"] = "Capital of Peru?" });
        Assert.Contains("Your output fields are:\n1. `reasoning` (str): \n2. `answer` (str): often between 1 and 5 words\n", messages[0].Text);
        Assert.Equal(6, messages.Count);
        Assert.StartsWith("This is an example of the task", messages[1].Text);
        Assert.Equal("[[ ## reasoning ## ]]\nNot supplied for this particular example. \n\n[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]\n", messages[2].Text);
        Assert.Equal("[[ ## reasoning ## ]]\nAdding 2 and 2 gives 4.\n\n[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]\n", messages[4].Text);
    }

    [Fact]
    public async Task Save_then_load_round_trips_and_is_dspy_shaped()
    {
        var original = new ChainOfThought("question -> answer: int");
        var trained = original.WithState(new ProgramState(new Dictionary<string, PredictorState>
        {
            ["predict"] = new PredictorState(
                "Count carefully.",
                [new FieldState("Question:", "${question}"), new FieldState("Reasoning:", "${reasoning}"), new FieldState("Answer:", "a whole number")],
                [Example.Of(("question", "how many legs has a cat?"), ("reasoning", "cats have four"), ("answer", 4L), ("augmented", true))]),
        }));
        Assert.Equal("Given the fields `question`, produce the fields `answer`.", original.Predictor.Signature.Instructions);

        var path = Path.Combine(folder, "program.json");
        await trained.SaveAsync(path);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.Equal("Count carefully.", json["predict"]!["signature"]!["instructions"]!.GetValue<string>());
        Assert.Equal(4, json["predict"]!["demos"]![0]!["answer"]!.GetValue<long>());
        Assert.Empty(json["metadata"]!["dependency_versions"]!.AsObject());

        var loaded = new ChainOfThought("question -> answer: int");
        await loaded.LoadAsync(path);
        Assert.Equal(trained.Predictor.Signature, loaded.Predictor.Signature);
        Assert.Equal(4L, loaded.Predictor.Demos[0]["answer"]);
        Assert.Equal(ProgramState.Capture(trained).ToJson(), ProgramState.Capture(loaded).ToJson());
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("{\"other\": {\"signature\": {\"instructions\": \"x\", \"fields\": []}}}", "predictor names do not match")]
    [InlineData("{\"self\": {\"signature\": {\"instructions\": \"x\", \"fields\": [{\"prefix\": \"Q:\", \"description\": \"d\"}]}}}", "has 2 fields")]
    [InlineData("{\"self\": {\"signature\": {\"instructions\": 3, \"fields\": []}}}", "must be a string")]
    [InlineData("{\"self\": {\"demos\": [1], \"signature\": {\"instructions\": \"x\", \"fields\": [{\"prefix\": \"Q:\", \"description\": \"d\"}, {\"prefix\": \"A:\", \"description\": \"d\"}]}}}", "demos[0]")]
    [InlineData("{\"metadata\": {\"declarative\": {\"format_version\": 99}}}", "newer than this library")]
    public async Task Bad_files_leave_the_program_unchanged(string content, string expected)
    {
        var program = new Predict("question -> answer").WithDemos([Example.Of(("question", "q"), ("answer", "a"))]);
        var before = ProgramState.Capture(program).ToJson();
        var path = Path.Combine(folder, "bad.json");
        await File.WriteAllTextAsync(path, content);
        var ex = await Assert.ThrowsAsync<ProgramStateException>(() => program.LoadAsync(path));
        Assert.Contains(expected, ex.Message);
        Assert.Contains(path, ex.Message);
        Assert.Equal(before, ProgramState.Capture(program).ToJson());
    }

    [Fact]
    public async Task A_program_with_loaded_demos_answers_from_them()
    {
        var program = new ChainOfThought("question -> answer");
        await program.LoadAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "dspy_cot_program.json"));
        var client = new ScriptedChatClient().FollowExamples();
        var result = await program.InvokeAsync(new Dictionary<string, object?> { ["question"] = "What is 2+2?" }, new RunContext(client));
        Assert.Equal("4", result["answer"]);
        Assert.Equal("Adding 2 and 2 gives 4.", result.Reasoning);
    }
}
