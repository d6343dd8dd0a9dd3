namespace Declarative.Signatures.Tests;

public class SignatureEditTests
{
    [Fact]
    public void Edits_return_new_signatures_and_leave_the_original()
    {
        var s = Signature.Parse("question -> answer");
        var withInstructions = s.WithInstructions("Be brief.");
        var appended = s.Append(new Field("confidence", FieldRole.Output, TypeShape.Number));
        var prepended = s.Prepend(new Field("reasoning", FieldRole.Output));
        var moreInputs = s.Append(new Field("context", FieldRole.Input));

        Assert.Equal("Given the fields `question`, produce the fields `answer`.", s.Instructions);
        Assert.Equal(["question", "answer"], s.Fields.Select(f => f.Name));
        Assert.Equal("Be brief.", withInstructions.Instructions);
        Assert.Equal(["question", "answer", "confidence"], appended.Fields.Select(f => f.Name));
        Assert.Equal(["question", "reasoning", "answer"], prepended.Fields.Select(f => f.Name));
        Assert.Equal(["question", "context", "answer"], moreInputs.Fields.Select(f => f.Name));

        // DSPy keeps the instructions text when fields change.
        Assert.Equal(s.Instructions, prepended.Instructions);
    }

    [Fact]
    public void Delete_removes_a_field_and_refuses_to_empty_a_side()
    {
        var s = Signature.Parse("question, context -> answer");
        Assert.Equal(["question", "answer"], s.Delete("context").Fields.Select(f => f.Name));
        Assert.Throws<SignatureException>(() => s.Delete("answer"));
        Assert.Throws<KeyNotFoundException>(() => s.Delete("nope"));
    }

    [Fact]
    public void Append_rejects_duplicates()
    {
        var s = Signature.Parse("question -> answer");
        var ex = Assert.Throws<SignatureException>(() => s.Append(new Field("answer", FieldRole.Input)));
        Assert.Contains("both an input and an output", ex.Message);
    }

    [Fact]
    public void Field_names_are_validated()
    {
        Assert.Throws<SignatureException>(() => new Field("has space", FieldRole.Input));
    }
}
