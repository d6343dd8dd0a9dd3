extern alias gen;

using gen::Declarative.Generators;

namespace Declarative.Generators.Tests;

public class SignatureAnalyzerTests
{
    [Fact]
    public async Task A_well_formed_signature_has_no_diagnostics()
    {
        var diagnostics = await AnalyzerHarness.AnalyzeAsync("""
            public enum Priority { Low, High }
            public sealed record Address(string City, string? Zip);
            [Signature("Triage a ticket.")]
            public sealed partial record Triage
            {
                [Input("The ticket text")] public string Ticket { get; init; } = "";
                [Input] public IReadOnlyDictionary<string, int> Counts { get; init; } = new Dictionary<string, int>();
                [Output, Range(1, 5)] public int Severity { get; init; }
                [Output, AllowedValues("bug", "question")] public string Kind { get; init; } = "";
                [Output, MinLength(1), MaxLength(3)] public List<string> Tags { get; init; } = [];
                [Output] public Priority Priority { get; init; }
                [Output] public Address? Where { get; init; }
                [Output, RegularExpression("^[A-Z]{2}-[0-9]+$")] public string Code { get; init; } = "";
                [Output] public DateOnly? Due { get; init; }
                [Output] public Guid Id { get; init; }
                public string NotAField { get; init; } = "";
            }
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public Task DCL001_signature_type_not_partial() => AnalyzerHarness.AssertSingleAsync("DCL001", """
        [Signature]
        public sealed class [|QuestionAnswer|]
        {
            [Input] public string Question { get; set; } = "";
            [Output] public string Answer { get; set; } = "";
        }
        """);

    [Fact]
    public Task DCL002_no_input() => AnalyzerHarness.AssertSingleAsync("DCL002", """
        [Signature]
        public sealed partial class [|OnlyOut|]
        {
            [Output] public string Answer { get; set; } = "";
        }
        """);

    [Fact]
    public Task DCL003_no_output() => AnalyzerHarness.AssertSingleAsync("DCL003", """
        [Signature]
        public sealed partial class [|OnlyIn|]
        {
            [Input] public string Question { get; set; } = "";
        }
        """);

    [Fact]
    public Task DCL004_input_and_output() => AnalyzerHarness.AssertSingleAsync("DCL004", """
        [Signature]
        public sealed partial class Both
        {
            [Input] public string Question { get; set; } = "";
            [Input, Output] public string [|Echo|] { get; set; } = "";
            [Output] public string Answer { get; set; } = "";
        }
        """);

    [Theory]
    [InlineData("object")]
    [InlineData("Func<int>")]
    [InlineData("Dictionary<int, string>")]
    [InlineData("int[,]")]
    [InlineData("ArrayList")]
    [InlineData("Empty")]
    [InlineData("List<Holder>")]
    public Task DCL005_type_without_a_shape(string type) => AnalyzerHarness.AssertSingleAsync("DCL005", $$"""
        public sealed class Empty { }
        public sealed record Holder(object Anything);
        [Signature]
        public sealed partial class Shapes
        {
            [Input] public string Question { get; set; } = "";
            [Output] public [|{{type}}|] Answer { get; set; } = default!;
        }
        """);

    [Theory]
    [InlineData("[[|Range(5, 1)|]] public int")]
    [InlineData("[[|Range(typeof(decimal), \"2.5\", \"1\")|]] public decimal")]
    [InlineData("[[|StringLength(3, MinimumLength = 5)|]] public string")]
    [InlineData("[[|Length(4, 2)|]] public string")]
    [InlineData("[MinLength(5), [|MaxLength(3)|]] public string")]
    [InlineData("[[|MaxLength(-2)|]] public string")]
    [InlineData("[[|RegularExpression(\"a(b\")|]] public string")]
    [InlineData("[[|AllowedValues(\"a\", \"b\")|]] public List<string>")]
    public Task DCL006_constraint_that_cannot_hold(string declaration) => AnalyzerHarness.AssertSingleAsync("DCL006", $$"""
        [Signature]
        public sealed partial class Constrained
        {
            [Input] public string Question { get; set; } = "";
            [Output]
            {{declaration}} Answer { get; set; } = default!;
        }
        """);

    [Fact]
    public Task DCL007_names_collide_after_snake_case() => AnalyzerHarness.AssertSingleAsync("DCL007", """
        [Signature]
        public sealed partial class Collide
        {
            [Input] public string UserName { get; set; } = "";
            [Input] public string [|User_Name|] { get; set; } = "";
            [Output] public string Answer { get; set; } = "";
        }
        """);

    [Fact]
    public Task DCL007_explicit_names_collide() => AnalyzerHarness.AssertSingleAsync("DCL007", """
        [Signature]
        public sealed partial class Renamed
        {
            [Input(Name = "answer")] public string Question { get; set; } = "";
            [Output] public string [|Answer|] { get; set; } = "";
        }
        """);

    [Theory]
    [InlineData("object", true)]
    [InlineData("Func<int>", true)]
    [InlineData("Dictionary<int, string>", true)]
    [InlineData("int[,]", true)]
    [InlineData("ArrayList", true)]
    [InlineData("Empty", true)]
    [InlineData("List<Holder>", true)]
    [InlineData("Dictionary<string, List<DateTimeOffset?>>", false)]
    [InlineData("Holder2[]", false)]
    public async Task The_analyzer_and_the_run_time_model_agree_on_field_types(string type, bool rejected)
    {
        var source = $$"""
            public sealed class Empty { }
            public sealed record Holder(object Anything);
            public sealed record Holder2(string Name, int? Count);
            [Signature]
            public sealed partial class Shapes
            {
                [Input] public string Question { get; set; } = "";
                [Output] public {{type}} Answer { get; set; } = default!;
            }
            """;
        var diagnostics = await AnalyzerHarness.AnalyzeAsync(source);
        Assert.Equal(rejected, diagnostics.Any(d => d.Id == "DCL005"));
        var shapes = AnalyzerHarness.Load(source).GetType("Shapes")!;
        if (rejected)
        {
            Assert.Throws<SignatureException>(() => Signature.For(shapes));
        }
        else
        {
            Assert.Equal(["question", "answer"], Signature.For(shapes).Fields.Select(f => f.Name));
        }
    }
}
