namespace Declarative.Signatures.Tests;

public class SignatureReflectionTests
{
    [Fact]
    public void Field_names_are_snake_case_of_members()
    {
        var s = Signature.For<QuestionAnswer>();
        Assert.Equal("QuestionAnswer", s.Name);
        Assert.Equal("question_text", s.InputFields[0].Name);
        Assert.Equal("QuestionText", s.InputFields[0].MemberName);
        Assert.Equal("Question Text:", s.InputFields[0].Prefix);
        Assert.Equal("Given the fields `question_text`, produce the fields `answer`.", s.Instructions);
    }

    [Fact]
    public void Attribute_settings_descriptions_and_constraints_are_read()
    {
        var s = Signature.For<WithContext>();
        Assert.Equal("Rag", s.Name);
        Assert.Equal("Answer with context.", s.Instructions);
        Assert.Equal("facts that may help", s["context"].Description);
        Assert.Equal("list[str]", s["context"].Shape.DisplayName);
        Assert.Equal(1, s["answer"].Constraints.Minimum);
        Assert.Equal(10, s["answer"].Constraints.Maximum);
        Assert.Equal("greater than or equal to: 1, less than or equal to: 10", s["answer"].Constraints.Describe());
    }

    [Fact]
    public void Composite_shapes_are_built_from_types()
    {
        var s = Signature.For<Triage>();
        Assert.Equal("Triage the ticket.", s.Instructions);
        Assert.Equal(TypeKind.Enum, s["severity"].Shape.Kind);
        Assert.Equal(["Low", "Medium", "High"], s["severity"].Shape.Choices);
        Assert.Equal("Literal['yes', 'no']", s["escalate"].Shape.DisplayName);

        var people = s["people"];
        Assert.Equal("list[Person]", people.Shape.DisplayName);
        Assert.Equal(1, people.Constraints.MinLength);
        Assert.Equal(3, people.Constraints.MaxLength);
        var person = people.Shape.Element!;
        Assert.Equal(["name", "home", "age", "nickname"], person.Properties.Select(p => p.Name));
        Assert.Equal("where they live", person.Properties[1].Description);
        Assert.True(person.Properties[3].Shape.IsNullable);
        Assert.False(person.Properties[3].IsRequired);
        Assert.Equal(150, person.Properties[2].Constraints.Maximum);

        Assert.Equal("dict[str, Union[float, NoneType]]", s["scores"].Shape.DisplayName);
        var code = s["code"];
        Assert.True(code.Shape.IsNullable);
        Assert.Equal("^[A-Z]{3}-\\d+$", code.Constraints.Pattern);
        Assert.Equal(5, code.Constraints.MinLength);
        Assert.Equal(12, code.Constraints.MaxLength);
    }

    [Fact]
    public void Recursive_types_are_supported()
    {
        var shape = TypeShape.FromType(typeof(TreeNode));
        Assert.Same(shape, shape.Properties[1].Shape.Element);
    }

    [Fact]
    public void For_returns_the_same_instance()
    {
        Assert.Same(Signature.For<Triage>(), Signature.For<Triage>());
    }

    [Fact]
    public void Typed_and_string_forms_are_equal()
    {
        var typed = Signature.For<WithContext>();
        var parsed = Signature.Parse("context: list[str], question -> answer: int", "Answer with context.")
            .WithField("context", f => f with { Description = "facts that may help" })
            .WithField("answer", f => f with { Constraints = new FieldConstraints { Minimum = 1, Maximum = 10 } });
        Assert.Equal(typed, parsed);
    }

    [Fact]
    public void Invalid_signature_types_get_clear_errors()
    {
        Assert.Contains("both [Input] and [Output]", Assert.Throws<SignatureException>(() => Signature.For<BothSides>()).Message);
        Assert.Contains("no output fields", Assert.Throws<SignatureException>(() => Signature.For<NoOutputs>()).Message);
        Assert.Contains("keyed by Int32", Assert.Throws<SignatureException>(() => Signature.For<BadDictionary>()).Message);
        Assert.Contains("not marked [Signature]", Assert.Throws<SignatureException>(() => Signature.For<NotASignature>()).Message);
    }
}
