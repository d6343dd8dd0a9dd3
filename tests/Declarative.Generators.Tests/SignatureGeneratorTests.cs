extern alias gen;

using System.Reflection;
using Microsoft.CodeAnalysis;

using gen::Declarative.Generators;

namespace Declarative.Generators.Tests;

public class SignatureGeneratorTests
{
    /// <summary>Signature types covering every type shape and constraint the run-time model reads.</summary>
    private const string Corpus = """
        namespace Corpus;
        public enum Priority { Low, Medium, High }
        public enum Signed { Minus = -1, Zero = 0, Plus = 1 }
        public enum Big : ulong { Small = 1, Huge = ulong.MaxValue }
        public sealed record Address(string City, string? Zip);
        public sealed record Person([property: System.ComponentModel.Description("Full name")] string Name, [property: Range(0, 150)] int Age, List<Address> Places);
        public sealed class Bag { public Dictionary<string, int?> Counts { get; set; } = new(); public string[] Words { get; set; } = []; }
        public record struct Point(double X, double Y);

        [Signature] public partial class S01 { [Input] public string Question { get; set; } = ""; [Output] public string Answer { get; set; } = ""; }
        [Signature("Answer briefly.")] public partial class S02 { [Input] public string Question { get; set; } = ""; [Output] public int Count { get; set; } }
        [Signature(Instructions = "Named.", Name = "Renamed")] public partial class S03 { [Input] public string Q { get; set; } = ""; [Output] public bool Yes { get; set; } }
        [System.ComponentModel.Description("From the description.")] [Signature] public partial class S04 { [Input] public string Q { get; set; } = ""; [Output] public double Score { get; set; } }
        [Signature] public partial class S05 { [Input] public string Q { get; set; } = ""; [Output] public float F { get; set; } [Output] public decimal M { get; set; } [Output] public Half H { get; set; } }
        [Signature] public partial class S06 { [Input] public string Q { get; set; } = ""; [Output] public byte B { get; set; } [Output] public short S { get; set; } [Output] public long L { get; set; } [Output] public ulong U { get; set; } [Output] public Int128 Wide { get; set; } [Output] public System.Numerics.BigInteger Huge { get; set; } }
        [Signature] public partial class S07 { [Input] public string Q { get; set; } = ""; [Output] public DateTime When { get; set; } [Output] public DateTimeOffset At { get; set; } [Output] public DateOnly Day { get; set; } [Output] public TimeOnly Time { get; set; } [Output] public Guid Id { get; set; } }
        [Signature] public partial class S08 { [Input] public string Q { get; set; } = ""; [Output] public char Letter { get; set; } [Output] public Uri Link { get; set; } = null!; }
        [Signature] public partial class S09 { [Input] public string Q { get; set; } = ""; [Output] public Priority Level { get; set; } [Output] public Signed Sign { get; set; } [Output] public Big Size { get; set; } }
        [Signature] public partial class S10 { [Input] public string Q { get; set; } = ""; [Output] public int? Maybe { get; set; } [Output] public string? Note { get; set; } [Output] public Priority? Level { get; set; } }
        [Signature] public partial class S11 { [Input] public List<string> Items { get; set; } = []; [Output] public string[] Out { get; set; } = []; [Output] public IReadOnlyList<int> Numbers { get; set; } = []; }
        [Signature] public partial class S12 { [Input] public string Q { get; set; } = ""; [Output] public List<string?> Maybe { get; set; } = []; [Output] public int?[] Holes { get; set; } = []; }
        [Signature] public partial class S13 { [Input] public Dictionary<string, int> Counts { get; set; } = new(); [Output] public IReadOnlyDictionary<string, List<string>> Groups { get; set; } = new Dictionary<string, List<string>>(); }
        [Signature] public partial class S14 { [Input] public string Q { get; set; } = ""; [Output] public Address Where { get; set; } = null!; }
        [Signature] public partial class S15 { [Input] public Person Who { get; set; } = null!; [Output] public List<Person> Friends { get; set; } = []; }
        [Signature] public partial class S16 { [Input] public Bag Bag { get; set; } = null!; [Output] public Point Spot { get; set; } }
        [Signature] public partial class S17 { [Input] public string Q { get; set; } = ""; [Output, Range(1, 5)] public int Stars { get; set; } }
        [Signature] public partial class S18 { [Input] public string Q { get; set; } = ""; [Output, Range(0.5, 2.5, MinimumIsExclusive = true, MaximumIsExclusive = true)] public double Ratio { get; set; } }
        [Signature] public partial class S19 { [Input] public string Q { get; set; } = ""; [Output, Range(typeof(decimal), "0.1", "99.9")] public decimal Price { get; set; } }
        [Signature] public partial class S20 { [Input] public string Q { get; set; } = ""; [Output, StringLength(10, MinimumLength = 2)] public string Short { get; set; } = ""; [Output, StringLength(5)] public string Tiny { get; set; } = ""; }
        [Signature] public partial class S21 { [Input] public string Q { get; set; } = ""; [Output, MinLength(1), MaxLength(3)] public List<string> Tags { get; set; } = []; [Output, Length(2, 4)] public string Code { get; set; } = ""; }
        [Signature] public partial class S22 { [Input] public string Q { get; set; } = ""; [Output, RegularExpression("^[A-Z]{2}-[0-9]+$")] public string Ticket { get; set; } = ""; }
        [Signature] public partial class S23 { [Input] public string Q { get; set; } = ""; [Output, AllowedValues("yes", "no", "maybe")] public string Verdict { get; set; } = ""; [Output, AllowedValues("a", "b")] public string? Optional { get; set; } }
        [Signature] public partial class S24 { [Input] public string Q { get; set; } = ""; [Output, AllowedValues(1, 2, 3)] public int Pick { get; set; } [Output, AllowedValues(Priority.Low, Priority.High)] public Priority Edge { get; set; } }
        [Signature] public partial class S25 { [Input(Name = "query", Description = "What to look up")] public string Text { get; set; } = ""; [Output(Prefix = "Result:")] public string Answer { get; set; } = ""; }
        [Signature] public partial class S26 { [Input("The context")] public string Context { get; set; } = ""; [Input] public string Question { get; set; } = ""; [Output("A short answer")] public string Answer { get; set; } = ""; }
        [Signature] public partial class S27 { [Input] public string HTMLParser { get; set; } = ""; [Input] public string Question2Text { get; set; } = ""; [Output] public string XMLHttpResult { get; set; } = ""; }
        [Signature] public partial class S28 { [Input, System.ComponentModel.Description("Described input")] public string Q { get; set; } = ""; [Output] public string A { get; set; } = ""; }
        [Signature] public partial record S29 { [Input] public string Q { get; init; } = ""; [Output] public string A { get; init; } = ""; }
        [Signature] public partial record struct S30 { [Input] public string Q { get; set; } [Output] public string A { get; set; } }
        [Signature] public partial struct S31 { [Input] public string Q { get; set; } [Output] public List<Address?> Maybe { get; set; } }
        [Signature] public partial class S32 { [Input] internal string Hidden { get; set; } = ""; [Output] private string Secret { get; set; } = ""; public string NotAField { get; set; } = ""; }
        [Signature] public partial class S33 { [Input] public string Q { get; set; } = ""; [Output, Required, EmailAddress] public string Mail { get; set; } = ""; }
        [Signature] public partial class S34 { [Input(Untrusted = true)] public string Document { get; set; } = ""; [Input(Untrusted = false)] public string Question { get; set; } = ""; [Input("Notes", Untrusted = true, Name = "notes_text")] public string? Notes { get; set; } [Output] public string Answer { get; set; } = ""; }
        """;

    /// <summary>The corpus built once (with the generator) and loaded: its 34 signature types.</summary>
    private static readonly Lazy<List<Type>> CorpusTypes = new(() =>
    {
        var (assembly, _) = GeneratorHarness.BuildAndLoad(Corpus);
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle); // registrations
        var types = assembly.GetTypes().Where(t => t.GetCustomAttribute<SignatureAttribute>() is not null).OrderBy(t => t.Name).ToList();
        Assert.Equal(34, types.Count);
        return types;
    });

    [Fact]
    public void Generated_descriptors_equal_the_reflection_path_for_every_shape_and_constraint()
    {
        foreach (var type in CorpusTypes.Value)
        {
            var generated = (Signature)type.GetProperty("DeclarativeSignature")!.GetValue(null)!;
            var reflected = Signature.FromType(type);
            AssertSameSignature(reflected, generated, type.Name);
            Assert.Same(generated, Signature.For(type)); // registered by the module initializer
        }
    }

    [Fact]
    public void Build_time_schemas_and_grammars_equal_the_run_time_ones_byte_for_byte()
    {
        foreach (var type in CorpusTypes.Value)
        {
            var holder = type.GetNestedType("DeclarativeSignatureHolder", BindingFlags.NonPublic)!;
            string? Constant(string name) => (string?)holder.GetField(name, BindingFlags.NonPublic | BindingFlags.Static)!.GetRawConstantValue();
            var reflected = Signature.FromType(type); // a descriptor of its own: compiled at run time
            var generated = Signature.For(type);

            var schema = Constant("OutputSchema");
            var json = Constant("JsonGrammar");
            var chat = Constant("ChatGrammar");
            Assert.True(schema is not null && json is not null && chat is not null, $"{type.Name}: a build-time output is missing");
            Assert.Equal(TypeShapeSchema.ForOutputs(reflected).ToJsonString(), schema);
            Assert.Equal(Grammars.SignatureGrammar.ForJson(reflected).ToGbnf(), json);
            Assert.Equal(Grammars.SignatureGrammar.ForChat(reflected).ToGbnf(), chat);

            // The generated descriptor answers from the constants, and they read back to the same texts.
            Assert.Equal(schema, TypeShapeSchema.ForOutputs(generated).ToJsonString());
            Assert.Equal(json, Grammars.SignatureGrammar.ForJson(generated).ToGbnf());
            Assert.Equal(chat, Grammars.SignatureGrammar.ForChat(generated).ToGbnf());
        }
    }

    [Fact]
    public async Task Collections_in_replies_are_built_by_generated_factories()
    {
        var (assembly, _) = GeneratorHarness.BuildAndLoad("""
            using Microsoft.Extensions.AI;
            namespace Lists;
            public sealed record Box(string[] Labels, HashSet<int> Codes);
            [Signature("Sort the parts.")]
            public sealed partial class Parts
            {
                [Input] public string Text { get; set; } = "";
                [Output] public string[] Names { get; set; } = [];
                [Output] public IReadOnlyList<int> Sizes { get; set; } = [];
                [Output] public int?[] Gaps { get; set; } = [];
                [Output] public ISet<string> Kinds { get; set; } = new HashSet<string>();
                [Output] public IReadOnlyDictionary<string, List<double>> Weights { get; set; } = new Dictionary<string, List<double>>();
                [Output] public List<Box> Boxes { get; set; } = [];
            }
            public static class Program
            {
                public static async Task<string> RunAsync()
                {
                    var reply = "[[ ## names ## ]]\n[\"bolt\", \"nut\"]\n\n[[ ## sizes ## ]]\n[3, 5]\n\n[[ ## gaps ## ]]\n[1, null]\n\n[[ ## kinds ## ]]\n[\"steel\", \"steel\", \"zinc\"]\n\n"
                        + "[[ ## weights ## ]]\n{\"bolt\": [1.5, 2], \"nut\": []}\n\n[[ ## boxes ## ]]\n[{\"labels\": [\"a\"], \"codes\": [7, 7, 8]}]\n\n[[ ## completed ## ]]";
                    var r = (await new Predict<Parts>().InvokeAsync(new Parts { Text = "x" }, new RunContext(new Fixed(reply)))).Value;
                    return string.Join("|",
                        r.Names.GetType().Name, string.Join(",", r.Names),
                        r.Sizes.GetType().Name, string.Join(",", r.Sizes),
                        r.Gaps.GetType().Name, string.Join(",", r.Gaps.Select(g => g?.ToString() ?? "null")),
                        r.Kinds.GetType().Name, string.Join(",", r.Kinds),
                        r.Weights.GetType().Name, string.Join(";", r.Weights.Select(w => w.Key + "=" + string.Join(",", w.Value))),
                        r.Boxes[0].Labels.GetType().Name, r.Boxes[0].Codes.GetType().Name, string.Join(",", r.Boxes[0].Codes));
                }
            }
            sealed class Fixed(string reply) : IChatClient
            {
                public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                    Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
                public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
                public object? GetService(Type serviceType, object? serviceKey = null) => null;
                public void Dispose() { }
            }
            """);

        // Each declared collection type has a factory registered by the generated module initializer.
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        foreach (var type in new[] { typeof(string[]), typeof(IReadOnlyList<int>), typeof(int?[]), typeof(ISet<string>), typeof(List<double>), typeof(HashSet<int>) })
        {
            Assert.True(SignatureAccessors.FindListFactory(type) is not null, $"no factory for {type}");
        }

        Assert.NotNull(SignatureAccessors.FindDictionaryFactory(typeof(IReadOnlyDictionary<string, List<double>>)));
        Assert.NotNull(SignatureAccessors.FindListFactory(typeof(List<>).MakeGenericType(assembly.GetType("Lists.Box")!)));

        var run = (Task<string>)assembly.GetType("Lists.Program")!.GetMethod("RunAsync")!.Invoke(null, null)!;
        Assert.Equal("String[]|bolt,nut|List`1|3,5|Nullable`1[]|1,null|HashSet`1|steel,zinc|Dictionary`2|bolt=1.5,2;nut=|String[]|HashSet`1|7,8", await run);
    }

    [Fact]
    public void Untrusted_inputs_flow_into_the_emitted_descriptor()
    {
        var type = CorpusTypes.Value.Single(t => t.Name == "S34");
        var generated = (Signature)type.GetProperty("DeclarativeSignature")!.GetValue(null)!;
        Assert.Equal(["document", "notes_text"], generated.InputFields.Where(f => f.Untrusted).Select(f => f.Name));
        Assert.False(generated["question"].Untrusted);
        Assert.Equal("Notes", generated["notes_text"].Description);
        Assert.True(Signature.FromType(type)["document"].Untrusted); // the reflection path agrees

        // Only a field marked true gets the initializer; a false one reads as the default.
        var source = GeneratorHarness.Driver().RunGenerators(GeneratorHarness.Compilation(
            "namespace U; [Signature] public partial class U1 { [Input(Untrusted = true)] public string Page { get; set; } = \"\"; [Input(Untrusted = false)] public string Q { get; set; } = \"\"; [Output] public string A { get; set; } = \"\"; }"))
            .GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("{ MemberName = \"Page\", Untrusted = true }", source);
        Assert.Contains("{ MemberName = \"Q\" }", source);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(source, "Untrusted = true"));
    }

    private static void AssertSameSignature(Signature expected, Signature actual, string type)
    {
        Assert.True(expected.Equals(actual), $"{type}: {expected} vs {actual}");
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Instructions, actual.Instructions);
        Assert.Equal(expected.Fields.Count, actual.Fields.Count);
        for (var i = 0; i < expected.Fields.Count; i++)
        {
            var (e, a) = (expected.Fields[i], actual.Fields[i]);
            var where = $"{type}.{e.Name}";
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.MemberName, a.MemberName);
            Assert.Equal(e.Prefix, a.Prefix);
            Assert.Equal(e.Description, a.Description);
            Assert.True(e.Untrusted == a.Untrusted, $"{where}: untrusted {e.Untrusted} vs {a.Untrusted}");
            Assert.True(e.Constraints.Equals(a.Constraints), $"{where}: constraints {e.Constraints} vs {a.Constraints}");
            AssertSameShape(e.Shape, a.Shape, where, 0);
        }
    }

    private static void AssertSameShape(TypeShape expected, TypeShape actual, string where, int depth)
    {
        Assert.True(expected.Equals(actual), $"{where}: {expected.DisplayName} vs {actual.DisplayName}");
        Assert.True(expected.ClrType == actual.ClrType, $"{where}: CLR type {expected.ClrType} vs {actual.ClrType}");
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Choices, actual.Choices);
        if (expected.Element is not null)
        {
            AssertSameShape(expected.Element, actual.Element!, where + "[]", depth + 1);
        }

        for (var i = 0; i < expected.Properties.Count; i++)
        {
            var (e, a) = (expected.Properties[i], actual.Properties[i]);
            Assert.Equal(e.Member, a.Member);
            Assert.Equal(e.IsRequired, a.IsRequired);
            AssertSameShape(e.Shape, a.Shape, where + "." + e.Name, depth + 1);
        }
    }

    [Fact]
    public async Task Typed_calls_bind_through_the_generated_accessors()
    {
        var (assembly, _) = GeneratorHarness.BuildAndLoad("""
            using Microsoft.Extensions.AI;
            namespace Bound;
            public enum Mood { Calm, Angry }
            public sealed record Place(string City, int? Floor);
            public sealed class Owner { public string Name { get; init; } = ""; public List<Place> Places { get; set; } = []; }
            [Signature("Read the ticket.")]
            public sealed partial record Ticket
            {
                [Input] public string Text { get; init; } = "";
                [Input] private int Secret { get; init; } = 7;
                [Output] public Mood Mood { get; init; }
                [Output] public int? Priority { get; init; }
                [Output] public List<string> Tags { get; init; } = [];
                [Output] public Owner? Owner { get; init; }
            }
            public static class Program
            {
                public static async Task<string> RunAsync()
                {
                    var reply = "[[ ## mood ## ]]\nAngry\n\n[[ ## priority ## ]]\n2\n\n[[ ## tags ## ]]\n[\"billing\", \"urgent\"]\n\n[[ ## owner ## ]]\n{\"name\": \"Ada\", \"places\": [{\"city\": \"Paris\", \"floor\": 3}, {\"city\": \"Oslo\", \"floor\": null}]}\n\n[[ ## completed ## ]]";
                    var input = new Ticket { Text = "Charged twice!" };
                    var result = (await new Predict<Ticket>().InvokeAsync(input, new RunContext(new Fixed(reply)))).Value;
                    return $"{result.Text}|{result.Mood}|{result.Priority}|{string.Join(",", result.Tags)}|{input.Mood}|{ReferenceEquals(input, result)}|{result.Owner!.Name}|{string.Join(";", result.Owner.Places)}";
                }
            }
            sealed class Fixed(string reply) : IChatClient
            {
                public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                    Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
                public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
                public object? GetService(Type serviceType, object? serviceKey = null) => null;
                public void Dispose() { }
            }
            """);
        var ticket = assembly.GetType("Bound.Ticket")!;
        var binding = typeof(Module).Assembly.GetType("Declarative.TypedBinding`1")!.MakeGenericType(ticket);
        var instance = binding.GetProperty("Instance")!.GetValue(null)!;
        Assert.True((bool)binding.GetProperty("UsesGeneratedAccessors")!.GetValue(instance)!);

        Assert.NotNull(SignatureAccessors.FindFactory(assembly.GetType("Bound.Place")!));
        Assert.NotNull(SignatureAccessors.FindFactory(assembly.GetType("Bound.Owner")!));

        var run = (Task<string>)assembly.GetType("Bound.Program")!.GetMethod("RunAsync")!.Invoke(null, null)!;
        Assert.Equal("Charged twice!|Angry|2|billing,urgent|Calm|False|Ada|Place { City = Paris, Floor = 3 };Place { City = Oslo, Floor =  }", await run);
    }
}
