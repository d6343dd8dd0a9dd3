using Declarative.Pipeline;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Tests.Modules;

[Signature("Answer from the document.")]
public partial class GroundedAnswer
{
    [Input(Untrusted = true)]
    public string Document { get; set; } = "";

    [Input]
    public string Question { get; set; } = "";

    [Output]
    public string Answer { get; set; } = "";
}

public sealed class UntrustedInputTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-untrusted-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static readonly Dictionary<string, object?> Inputs = new() { ["document"] = "A page.", ["question"] = "What?", ["notes"] = "n" };

    private static object? Sent(ScriptedChatClient client, int call = 0) =>
        client.Requests[call].Options!.AdditionalProperties!.TryGetValue(OptionKeys.UntrustedFields, out var names) ? names : null;

    [Fact]
    public async Task A_typed_predict_names_its_untrusted_input_in_the_request()
    {
        var client = new ScriptedChatClient().Answer(("answer", "ok"));
        var result = await new Predict<GroundedAnswer>().InvokeAsync(new GroundedAnswer { Document = "A page.", Question = "What?" }, new RunContext(client));

        Assert.Equal("ok", result.Value.Answer);
        Assert.Equal(["document"], Assert.IsType<string[]>(Sent(client)));
    }

    [Fact]
    public async Task A_signature_without_untrusted_inputs_sends_no_key()
    {
        var client = new ScriptedChatClient().Answer(("answer", "ok"));
        await new Predict("document, question -> answer").InvokeAsync(Inputs.Where(p => p.Key != "notes").ToDictionary(), new RunContext(client));
        Assert.Null(Sent(client));
        Assert.Equal("declarative.guard.untrusted_fields", OptionKeys.UntrustedFields); // the name the guard has always read
    }

    [Fact]
    public async Task The_callers_names_are_kept_and_the_declared_ones_added_after_them()
    {
        var signature = Signature.Parse("document, notes, question -> answer").WithField("document", f => f with { Untrusted = true });
        var client = new ScriptedChatClient().Answer(("answer", "a")).Answer(("answer", "b")).Answer(("answer", "c"));
        var context = new RunContext(client) { Defaults = new CallSettings { UntrustedFields = ["notes"] } };
        var predict = new Predict(signature);

        await predict.InvokeAsync(Inputs, context);
        await predict.InvokeAsync(Inputs, context, new CallSettings { UntrustedFields = ["question", "document"], Temperature = 0.5f });
        await predict.InvokeAsync(Inputs, new RunContext(client), new CallSettings { UntrustedFields = ["*"] });

        Assert.Equal(["document", "notes"], Assert.IsType<string[]>(Sent(client, 0)));
        Assert.Equal(["document", "notes", "question"], Assert.IsType<string[]>(Sent(client, 1)));
        Assert.Equal(["document", "*"], Assert.IsType<string[]>(Sent(client, 2)));
    }

    [Fact]
    public async Task Names_an_adapter_already_set_are_never_dropped()
    {
        var signature = Signature.Parse("document, question -> answer").WithField("document", f => f with { Untrusted = true });
        var client = new ScriptedChatClient().Answer(("answer", "a")).Answer(("answer", "b"));

        await new Predict(signature).InvokeAsync(Inputs.Where(p => p.Key != "notes").ToDictionary(), new RunContext(client) { Adapter = new MarkingAdapter("question") });
        await new Predict(signature).InvokeAsync(Inputs.Where(p => p.Key != "notes").ToDictionary(), new RunContext(client) { Adapter = new MarkingAdapter(new List<string> { "document", "question" }) });

        Assert.Equal(["question", "document"], Assert.IsType<string[]>(Sent(client, 0)));
        Assert.Equal(["document", "question"], Assert.IsType<string[]>(Sent(client, 1)));
    }

    [Fact]
    public async Task A_value_that_is_not_names_is_refused_rather_than_overwritten()
    {
        var signature = Signature.Parse("document, question -> answer").WithField("document", f => f with { Untrusted = true });
        var client = new ScriptedChatClient().Answer(("answer", "a"));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => new Predict(signature)
            .InvokeAsync(Inputs.Where(p => p.Key != "notes").ToDictionary(), new RunContext(client) { Adapter = new MarkingAdapter(42) }));

        Assert.Contains(OptionKeys.UntrustedFields, ex.Message);
        Assert.Contains("(document)", ex.Message);
        Assert.Contains("string or a collection of strings", ex.Message);
        Assert.Equal(0, client.CallCount);
    }

    [Fact]
    public async Task Chain_of_thought_keeps_the_declaration_and_the_key_takes_part_in_the_cache()
    {
        var backend = new ScriptedChatClient().Answer(("reasoning", "r"), ("answer", "first")).Answer(("reasoning", "r"), ("answer", "second"));
        using var cache = new SqliteChatCache(Path.Combine(folder, "cache.db"));
        var context = new RunContext(new ChatClientBuilder(backend).UseSqliteCache(cache).Build());
        var input = new GroundedAnswer { Document = "A page.", Question = "What?" };

        var first = await new ChainOfThought<GroundedAnswer>().InvokeAsync(input, context);
        var again = await new ChainOfThought<GroundedAnswer>().InvokeAsync(input, context);
        var more = await new ChainOfThought<GroundedAnswer>().InvokeAsync(input, context, new CallSettings { UntrustedFields = ["question"] });

        Assert.Equal(["document"], Assert.IsType<string[]>(Sent(backend)));
        Assert.Equal(("first", "first", "second"), (first.Value.Answer, again.Value.Answer, more.Value.Answer));
        Assert.Equal(2, backend.CallCount); // same names: a hit; more names: another request
        Assert.Equal(["document", "question"], Assert.IsType<string[]>(Sent(backend, 1)));
    }

    [Fact]
    public async Task Program_state_does_not_store_the_flag_and_a_loaded_state_keeps_the_signatures()
    {
        var trained = new Predict<GroundedAnswer>().WithInstructions("Quote the document.");
        var json = ProgramState.Capture(trained).ToJson();
        Assert.DoesNotContain("untrusted", json, StringComparison.OrdinalIgnoreCase);

        var loaded = new Predict<GroundedAnswer>().WithState(ProgramState.Parse(json));
        Assert.Equal("Quote the document.", loaded.Signature.Instructions);
        Assert.True(loaded.Signature["document"].Untrusted);
        Assert.False(loaded.Signature["question"].Untrusted);

        var client = new ScriptedChatClient().Answer(("answer", "ok"));
        await loaded.InvokeAsync(new GroundedAnswer { Document = "A page.", Question = "What?" }, new RunContext(client));
        Assert.Equal(["document"], Assert.IsType<string[]>(Sent(client)));
    }

    [Fact]
    public void Merging_settings_unites_the_untrusted_names()
    {
        var defaults = new CallSettings { UntrustedFields = ["document", "notes"], Temperature = 0.1f };
        Assert.Equal(["document", "notes", "page"], defaults.Merge(new CallSettings { UntrustedFields = ["notes", "page"] }).UntrustedFields);
        Assert.Equal(["document", "notes"], defaults.Merge(new CallSettings { Temperature = 0.9f }).UntrustedFields);
        Assert.Equal(["page"], new CallSettings().Merge(new CallSettings { UntrustedFields = ["page"] }).UntrustedFields);
        Assert.Null(new CallSettings().Merge(new CallSettings()).UntrustedFields);
    }

    /// <summary>The chat adapter's format, with a value put under the untrusted key when it configures the options.</summary>
    private sealed class MarkingAdapter(object value) : Adapter
    {
        public override string Name => "MarkingAdapter";

        public override void ConfigureOptions(Signature signature, ChatOptions options)
        {
            ChatAdapter.Default.ConfigureOptions(signature, options);
            options.AdditionalProperties![OptionKeys.UntrustedFields] = value;
        }

        public override string FormatUserMessage(Signature signature, IReadOnlyDictionary<string, object?> inputs, string prefix = "", bool mainRequest = false) =>
            ChatAdapter.Default.FormatUserMessage(signature, inputs, prefix, mainRequest);

        public override string FormatAssistantMessage(Signature signature, IReadOnlyDictionary<string, object?> outputs, string? missingFieldMessage = null) =>
            ChatAdapter.Default.FormatAssistantMessage(signature, outputs, missingFieldMessage);

        public override string FormatReply(IEnumerable<KeyValuePair<string, object?>> outputs) => ChatAdapter.Default.FormatReply(outputs);

        public override Dictionary<string, object?> Parse(Signature signature, string completion) => ChatAdapter.Default.Parse(signature, completion);

        protected override string FormatFieldStructure(Signature signature) => "Answer in [[ ## field ## ]] sections.";
    }
}
