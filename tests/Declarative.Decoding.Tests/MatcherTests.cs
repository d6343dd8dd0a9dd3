using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

public class MatcherTests
{
    private static readonly CompiledGrammar Parens = CompiledGrammar.Compile(new Grammar("root", [
        new("root", GrammarNode.Star(GrammarNode.Ref("p"))),
        new("p", GrammarNode.Seq(GrammarNode.Literal("("), GrammarNode.Ref("root"), GrammarNode.Literal(")"))),
    ]));

    [Theory]
    [InlineData("", true)]
    [InlineData("()", true)]
    [InlineData("(()())()", true)]
    [InlineData("(()", false)]
    [InlineData("())", false)]
    public void Recursive_grammars_match(string input, bool expected) =>
        Assert.Equal(expected, GrammarMatcher.Matches(Parens, Encoding.UTF8.GetBytes(input)));

    [Fact]
    public void Allowed_bytes_accepting_and_rollback()
    {
        var matcher = new GrammarMatcher(Parens);
        Assert.True(matcher.IsAccepting);
        Assert.Equal([(byte)'('], matcher.AllowedBytes().Bytes());
        Assert.True(matcher.TryAdvance((byte)'('));
        Assert.False(matcher.IsAccepting);
        Assert.Equal([(byte)'(', (byte)')'], matcher.AllowedBytes().Bytes());
        Assert.False(matcher.TryAdvance((byte)'x'));
        Assert.Equal(1, matcher.Position);
        Assert.False(matcher.TryAdvance("))"u8));
        Assert.Equal(1, matcher.Position);
        Assert.True(matcher.TryAdvance(")("u8));
        matcher.Rollback(1);
        Assert.True(matcher.IsAccepting);
        Assert.Throws<ArgumentOutOfRangeException>(() => matcher.Rollback(5));
    }

    [Fact]
    public void Utf8_classes_match_exactly_their_code_points()
    {
        var node = GrammarNode.Class(new CodePointRange(0x7F, 0x800), new CodePointRange(0xFFFF, 0x10000), new CodePointRange(0x10FFFF, 0x10FFFF));
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var cp = random.Next(4) switch
            {
                0 => random.Next(0, 0x900),
                1 => random.Next(0xFFF0, 0x10010),
                2 => random.Next(0x10FF00, 0x110000),
                _ => random.Next(0, 0x110000),
            };
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var expected = cp is >= 0x7F and <= 0x800 || cp is >= 0xFFFF and <= 0x10000 || cp == 0x10FFFF;
            Assert.True(expected == Match.Node(node, char.ConvertFromUtf32(cp)), $"U+{cp:X}");
        }
    }

    [Fact]
    public void Bounded_repeats_count_exactly()
    {
        var node = GrammarNode.Repeat(GrammarNode.Literal("ab"), 2, 4);
        Assert.False(Match.Node(node, "ab"));
        Assert.True(Match.Node(node, "abab"));
        Assert.True(Match.Node(node, "abababab"));
        Assert.False(Match.Node(node, "ababababab"));
    }
}
