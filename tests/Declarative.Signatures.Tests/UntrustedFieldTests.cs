namespace Declarative.Signatures.Tests;

public class UntrustedFieldTests
{
    [Fact]
    public void The_input_attribute_marks_only_its_field_untrusted()
    {
        // The generated descriptor is compared with this reflection path in Declarative.Generators.Tests.
        var s = Signature.For<Grounded>();
        Assert.True(s["document"].Untrusted);
        Assert.False(s["question"].Untrusted);
        Assert.False(s["answer"].Untrusted);
        Assert.Equal("Answer from the document.", s.Instructions);
    }

    [Fact]
    public void The_flag_takes_part_in_equality_and_survives_edits()
    {
        var plain = Signature.Parse("document, question -> answer");
        var marked = plain.WithField("document", f => f with { Untrusted = true });

        Assert.False(plain["document"].Untrusted);
        Assert.True(marked["document"].Untrusted);
        Assert.NotEqual(plain, marked);
        Assert.NotEqual(plain["document"], marked["document"]);

        // Edits that rebuild the signature keep the flag on the field they do not touch.
        var edited = marked.WithInstructions("Answer briefly.").Append(new Field("confidence", FieldRole.Output, TypeShape.Number))
            .WithField("document", f => f with { Description = "A retrieved page" });
        Assert.True(edited["document"].Untrusted);
        Assert.Equal("A retrieved page", edited["document"].Description);

        // The string form stays DSPy's: the flag is not part of it.
        Assert.Equal(plain.ToString(), marked.ToString());
    }

    [Fact]
    public void An_output_field_cannot_be_marked_untrusted()
    {
        var ex = Assert.Throws<SignatureException>(() => new Field("answer", FieldRole.Output) { Untrusted = true });
        Assert.Contains("'answer'", ex.Message);
        Assert.Contains("Mark the input", ex.Message);
        Assert.Throws<SignatureException>(() => Signature.Parse("q -> a").WithField("a", f => f with { Untrusted = true }));
        Assert.False(new Field("answer", FieldRole.Output) { Untrusted = false }.Untrusted);
    }
}
