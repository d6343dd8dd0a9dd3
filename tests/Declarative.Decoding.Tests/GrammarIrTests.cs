using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

public class GrammarIrTests
{
    [Fact]
    public void Factories_simplify()
    {
        Assert.True(GrammarNode.Seq(GrammarNode.Literal("a"), GrammarNode.Never).IsNever);
        Assert.Equal(GrammarNode.Literal("ab"), GrammarNode.Seq(GrammarNode.Literal("a"), GrammarNode.Empty, GrammarNode.Literal("b")));
        Assert.Equal(GrammarNode.Literal("a"), GrammarNode.Choice(GrammarNode.Literal("a"), GrammarNode.Never, GrammarNode.Literal("a")));
        Assert.True(GrammarNode.Star(GrammarNode.Never).IsEmpty);
        Assert.True(GrammarNode.Plus(GrammarNode.Never).IsNever);
    }

    [Fact]
    public void Gbnf_output_escapes_and_names_rules()
    {
        var grammar = new Grammar("doc", [
            new("doc", GrammarNode.Seq(GrammarNode.Literal("say \"hi\"\n"), GrammarNode.Ref("item list"), GrammarNode.Optional(GrammarNode.Chars("-]")))),
            new("item list", GrammarNode.Repeat(GrammarNode.Class(new CodePointRange('a', 'z'), new CodePointRange(0x4E00, 0x4E01)), 2, 5)),
        ]);
        Assert.Equal("root ::= \"say \\\"hi\\\"\\n\" item-list [\\x2D\\]]?\nitem-list ::= [a-z一丁]{2,5}\n", grammar.ToGbnf());
    }

    [Fact]
    public void Undefined_rules_and_empty_grammars_are_errors()
    {
        Assert.Throws<GrammarException>(() => new Grammar("root", [new("root", GrammarNode.Ref("missing"))]));
        Assert.Throws<GrammarException>(() => Grammar.FromNode(GrammarNode.Never).ToGbnf());
    }

    [Fact]
    public void Classes_drop_surrogates_and_complement()
    {
        var all = (CharClassNode)GrammarNode.NotClass([new CodePointRange('a', 'a')]);
        Assert.False(all.Contains('a'));
        Assert.True(all.Contains('b'));
        Assert.False(all.Contains(0xD800));
        Assert.True(all.Contains(0x1F600));
    }
}
