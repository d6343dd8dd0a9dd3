namespace Declarative.Signatures.Tests;

public class SignatureParseTests
{
    [Fact]
    public void Parses_fields_in_order_with_string_default()
    {
        var s = Signature.Parse("context: list[str], question -> answer: int");
        Assert.Equal(["context", "question"], s.InputFields.Select(f => f.Name));
        Assert.Equal(["answer"], s.OutputFields.Select(f => f.Name));
        Assert.Equal("list[str]", s["context"].Shape.DisplayName);
        Assert.Equal(TypeKind.String, s["question"].Shape.Kind);
        Assert.Equal(TypeKind.Integer, s["answer"].Shape.Kind);
        Assert.Equal(Signature.DefaultName, s.Name);
        Assert.Equal("Given the fields `context`, `question`, produce the fields `answer`.", s.Instructions);
    }

    [Theory]
    [InlineData("str", "str")]
    [InlineData("string", "str")]
    [InlineData("int", "int")]
    [InlineData("long", "int")]
    [InlineData("float", "float")]
    [InlineData("double", "float")]
    [InlineData("bool", "bool")]
    [InlineData("list[str]", "list[str]")]
    [InlineData("List[int]", "list[int]")]
    [InlineData("string[]", "list[str]")]
    [InlineData("List<int>", "list[int]")]
    [InlineData("IReadOnlyList<double>", "list[float]")]
    [InlineData("dict[str, int]", "dict[str, int]")]
    [InlineData("Dictionary<string, List<string>>", "dict[str, list[str]]")]
    [InlineData("Literal['yes', 'no']", "Literal['yes', 'no']")]
    [InlineData("Literal[\"it's\", 'b']", "Literal[\"it's\", 'b']")]
    [InlineData("Optional[int]", "Union[int, NoneType]")]
    [InlineData("int | None", "Union[int, NoneType]")]
    [InlineData("int?", "Union[int, NoneType]")]
    [InlineData("list[list[float]]", "list[list[float]]")]
    [InlineData("datetime", "datetime")]
    [InlineData("DateOnly", "date")]
    [InlineData("Guid", "UUID")]
    public void Accepts_dspy_and_csharp_type_spellings(string type, string display)
    {
        var s = Signature.Parse($"x -> y: {type}");
        Assert.Equal(display, s["y"].Shape.DisplayName);
    }

    [Fact]
    public void Literal_choices_are_kept()
    {
        var shape = Signature.Parse("q -> a: Literal['positive', 'negative', 'neutral']")["a"].Shape;
        Assert.Equal(TypeKind.Literal, shape.Kind);
        Assert.Equal(["positive", "negative", "neutral"], shape.Choices);
    }

    [Theory]
    [InlineData("question answer", "exactly one '->'")]
    [InlineData("a -> b -> c", "exactly one '->'")]
    [InlineData(" -> answer", "no inputs before")]
    [InlineData("question -> ", "no outputs after")]
    [InlineData("q, q -> a", "declared twice")]
    [InlineData("q -> q", "both an input and an output")]
    [InlineData("q -> a: tensor", "unknown type 'tensor'")]
    [InlineData("q -> a: dict[int, str]", "keys must be strings")]
    [InlineData("1q -> a", "not a valid field name")]
    [InlineData("q,, r -> a", "empty field")]
    [InlineData("q -> a: list[", "expected")]
    [InlineData("q -> a: int | str", "unions")]
    public void Bad_signatures_get_clear_errors(string text, string expected)
    {
        var ex = Assert.Throws<SignatureException>(() => Signature.Parse(text));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Unknown_type_error_lists_accepted_types()
    {
        var ex = Assert.Throws<SignatureException>(() => Signature.Parse("q -> a: Foo"));
        Assert.Contains("accepted types are str, int", ex.Message);
        Assert.Contains("Field 'a'", ex.Message);
    }

    [Fact]
    public void ToString_round_trips()
    {
        var s = Signature.Parse("context: list[str], question -> answer: Literal['a', 'b'], score: float");
        Assert.Equal(s, Signature.Parse(s.ToString()));
    }
}
