using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Declarative.Decoding;
using Declarative.Grammars;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>The chat client over a real (tiny, random) GGUF model: requests honoured, replies constrained, errors clear.</summary>
public class LlamaChatClientTests(LlamaModelFixture fixture) : IClassFixture<LlamaModelFixture>
{
    private LlamaModel Model => fixture.Model;

    private static List<ChatMessage> Ask(string question, string system = "You answer questions.") =>
        [new(ChatRole.System, system), new(ChatRole.User, question)];

    [Fact]
    public async Task Greedy_replies_repeat_and_report_usage()
    {
        using var client = Model.CreateChatClient();
        var options = new ChatOptions { MaxOutputTokens = 24 };
        var first = await client.GetResponseAsync(Ask("What is the answer?"), options);
        var second = await client.GetResponseAsync(Ask("What is the answer?"), options);
        Assert.Equal(first.Text, second.Text);
        Assert.NotNull(first.Usage);
        Assert.True(first.Usage.InputTokenCount > 10);
        Assert.InRange(first.Usage.OutputTokenCount!.Value, 1, 24);
        Assert.Equal(first.Usage.InputTokenCount + first.Usage.OutputTokenCount, first.Usage.TotalTokenCount);
        Assert.Equal("tiny", first.ModelId);
        Assert.NotNull(first.FinishReason);
    }

    [Fact]
    public async Task Predict_over_the_local_model_always_parses_with_the_chat_adapter()
    {
        using var client = Model.CreateChatClient();
        var predict = new Predict("question -> answer: int, sure: bool, mood: Literal['calm', 'upset']");
        for (var seed = 0; seed < 5; seed++)
        {
            var context = new RunContext(client) { Defaults = new CallSettings { Temperature = 1f, Seed = seed, MaxTokens = 200 } };
            var result = await predict.InvokeAsync(new Dictionary<string, object?> { ["question"] = "How many?" }, context);
            Assert.Equal("ChatAdapter", result.Adapter); // no fallback was needed: the reply parsed the first time
            Assert.IsType<long>(result["answer"]);
            Assert.IsType<bool>(result["sure"]);
            Assert.Contains(result["mood"], new object[] { "calm", "upset" });
        }
    }

    [Fact]
    public async Task The_json_schema_of_the_response_format_is_enforced()
    {
        using var client = Model.CreateChatClient();
        const string Schema = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":99},\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\"]},\"maxItems\":3}},\"required\":[\"id\",\"tags\"],\"additionalProperties\":false}";
        var compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile(Schema).Grammar);
        for (var seed = 0; seed < 4; seed++)
        {
            var options = new ChatOptions
            {
                Temperature = 1f,
                Seed = seed,
                MaxOutputTokens = 120,
                ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(Schema).RootElement, "item"),
            };
            var reply = await client.GetResponseAsync(Ask("Give me an item as JSON."), options);
            Assert.Equal(ChatFinishReason.Stop, reply.FinishReason);
            Assert.True(GrammarMatcher.Matches(compiled, Encoding.UTF8.GetBytes(reply.Text)), reply.Text);
            var id = JsonNode.Parse(reply.Text)!["id"]!.GetValue<int>();
            Assert.InRange(id, 1, 99);
        }
    }

    [Fact]
    public async Task Stop_sequences_end_the_reply_and_are_left_out()
    {
        using var client = Model.CreateChatClient();
        var free = await client.GetResponseAsync(Ask("Say something."), new ChatOptions { MaxOutputTokens = 40 });
        Assert.True(free.Text.Length >= 12, free.Text);
        var stop = free.Text.Substring(free.Text.Length / 2, 3);
        var expected = free.Text[..free.Text.IndexOf(stop, StringComparison.Ordinal)];
        var stopped = await client.GetResponseAsync(Ask("Say something."), new ChatOptions { MaxOutputTokens = 40, StopSequences = [stop] });
        Assert.Equal(expected, stopped.Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);

        var streamed = new StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync(Ask("Say something."), new ChatOptions { MaxOutputTokens = 40, StopSequences = [stop] }))
        {
            streamed.Append(update.Text);
        }

        Assert.Equal(expected, streamed.ToString());
    }

    [Fact]
    public async Task The_token_limit_ends_the_reply_with_length()
    {
        using var client = Model.CreateChatClient();
        var reply = await client.GetResponseAsync(Ask("Write a lot."), new ChatOptions { MaxOutputTokens = 5 });
        Assert.True(reply.Usage!.OutputTokenCount <= 5);
        if (reply.FinishReason == ChatFinishReason.Length)
        {
            Assert.Equal(5, reply.Usage.OutputTokenCount);
        }
    }

    [Fact]
    public async Task Streaming_gives_the_same_text_and_ends_with_usage()
    {
        using var client = Model.CreateChatClient();
        var options = new ChatOptions { MaxOutputTokens = 30, Temperature = 1f, Seed = 7 };
        var whole = await client.GetResponseAsync(Ask("Tell me."), options);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Ask("Tell me."), options))
        {
            updates.Add(update);
        }

        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.True(updates.Count > 1);
        Assert.NotNull(updates[^1].FinishReason);
        Assert.Contains(updates[^1].Contents, c => c is UsageContent);
    }

    [Fact]
    public async Task Seeds_repeat_and_completion_indexes_differ()
    {
        using var client = Model.CreateChatClient();
        ChatOptions Options(int index) => new()
        {
            Temperature = 1f,
            Seed = 3,
            MaxOutputTokens = 16,
            AdditionalProperties = new AdditionalPropertiesDictionary { [OptionKeys.CompletionIndex] = index },
        };
        var a = await client.GetResponseAsync(Ask("Pick."), Options(0));
        var b = await client.GetResponseAsync(Ask("Pick."), Options(0));
        Assert.Equal(a.Text, b.Text);
        var others = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            others.Add((await client.GetResponseAsync(Ask("Pick."), Options(i))).Text);
        }

        Assert.Contains(others, o => o != a.Text);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_refused()
    {
        using var client = Model.CreateChatClient();
        var huge = string.Join(' ', Enumerable.Repeat("word", 5000));
        var ex = await Assert.ThrowsAsync<PromptTooLongException>(() => client.GetResponseAsync(Ask(huge)));
        Assert.Equal(2048, ex.ContextSize);
        Assert.Contains("ContextSize", ex.Message);

        // The client is still usable.
        var reply = await client.GetResponseAsync(Ask("Short."), new ChatOptions { MaxOutputTokens = 4 });
        Assert.NotNull(reply.Usage);
    }

    [Fact]
    public async Task A_schema_the_compiler_rejects_is_a_clear_error()
    {
        using var client = Model.CreateChatClient();
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("{\"type\":\"string\",\"not\":{\"const\":\"x\"}}").RootElement) };
        var ex = await Assert.ThrowsAsync<JsonSchemaCompileException>(() => client.GetResponseAsync(Ask("q"), options));
        Assert.Contains("/not", ex.Message);
    }

    [Fact]
    public async Task Cancellation_stops_a_call_and_leaves_the_client_usable()
    {
        using var client = Model.CreateChatClient();
        var options = new ChatOptions { MaxOutputTokens = 12 };
        var expected = await client.GetResponseAsync(Ask("Again?"), options);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Ask("Again?"), options, cancelled.Token));

        using var midway = new CancellationTokenSource();
        var count = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Ask("Something else entirely"), new ChatOptions { MaxOutputTokens = 200 }, midway.Token))
            {
                if (++count == 3)
                {
                    midway.Cancel();
                }
            }
        });
        var again = await client.GetResponseAsync(Ask("Again?"), options);
        Assert.Equal(expected.Text, again.Text);
    }

    [Fact]
    public async Task Concurrent_calls_each_get_their_own_reply()
    {
        using var client = Model.CreateChatClient();
        var questions = Enumerable.Range(0, 4).Select(i => $"Question number {i}?").ToArray();
        var options = new ChatOptions { MaxOutputTokens = 10 };
        var sequential = new List<string>();
        foreach (var q in questions)
        {
            sequential.Add((await client.GetResponseAsync(Ask(q), options)).Text);
        }

        var concurrent = await Task.WhenAll(questions.Select(q => Task.Run(() => client.GetResponseAsync(Ask(q), options))));
        Assert.Equal(sequential, concurrent.Select(r => r.Text));
    }

    [Fact]
    public void Missing_and_corrupt_model_files_are_clear_errors()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => LlamaModel.Load(Path.Combine(fixture.Folder, "nope.gguf")));
        Assert.Contains("nope.gguf", missing.Message);

        var junk = Path.Combine(fixture.Folder, "junk.gguf");
        File.WriteAllBytes(junk, Encoding.ASCII.GetBytes("this is not a model at all"));
        Assert.Throws<InvalidDataException>(() => LlamaModel.Load(junk));

        var truncated = Path.Combine(fixture.Folder, "truncated.gguf");
        var bytes = File.ReadAllBytes(fixture.Path);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length * 3 / 4)]);
        var ex = Assert.Throws<InvalidDataException>(() => LlamaModel.Load(truncated, new LlamaModelOptions { GpuLayerCount = 0, ContextSize = 64 }));
        Assert.Contains("truncated", ex.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaModel.Load(fixture.Path, new LlamaModelOptions { ContextSize = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaModel.Load(fixture.Path, new LlamaModelOptions { GpuLayerCount = -2 }));
    }
}
