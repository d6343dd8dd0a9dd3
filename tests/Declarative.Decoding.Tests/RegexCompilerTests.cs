using System.Text.RegularExpressions;
using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

public class RegexCompilerTests
{
    [Theory]
    [InlineData("^a+b?$")]
    [InlineData("ab|cd")]
    [InlineData("^[a-c]{2,3}(x|yz)*$")]
    [InlineData("\\d+\\.\\d{2}")]
    [InlineData("^[^abc]\\w\\s?$")]
    [InlineData("^(?:ab)+$|^c$")]
    [InlineData("a.c")]
    [InlineData("^x{0}y{2,}$")]
    [InlineData("[\\-\\]]+")]
    public void Agrees_with_the_regex_engine_on_random_strings(string pattern)
    {
        var node = RegexCompiler.CompileSearch(pattern);
        var regex = new Regex(pattern, RegexOptions.ECMAScript);
        var random = new Random(pattern.Length);
        // No line terminators: .NET's '$' also matches before a final newline, ECMAScript's does not.
        const string Alphabet = "abcdxyz01 .-]\t";
        for (var i = 0; i < 400; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 7)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            Assert.True(regex.IsMatch(text) == Match.Node(node, text), $"pattern {pattern} on '{text}'");
        }
    }

    [Theory]
    [InlineData("(?=a)", "lookaround")]
    [InlineData("\\bword", "word boundaries")]
    [InlineData("(a)\\1", "backreferences")]
    [InlineData("\\p{L}", "Unicode property")]
    [InlineData("a^b", "anchor")]
    [InlineData("(ab", "missing ')'")]
    public void Unsupported_features_are_reported(string pattern, string expected)
    {
        var ex = Assert.Throws<GrammarException>(() => RegexCompiler.CompileSearch(pattern));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Non_bmp_literals_and_escapes()
    {
        Assert.True(Match.Node(RegexCompiler.CompileFull("😀\\u0041"), "😀A"));
        Assert.True(Match.Node(RegexCompiler.CompileFull("\\ud83d\\ude00"), "😀"));
    }
}
