using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

/// <summary>Items that run the same automaton in the same state count as one scanner, so the mask walk can step it alone.</summary>
public class SoleAutomatonTests
{
    [Theory]
    [InlineData("{\"properties\":{\"__proto__\":{\"type\":\"number\"},\"toString\":{\"properties\":{\"length\":{\"type\":\"string\"}}},\"constructor\":{\"type\":\"number\"}}}", "{\"a")]
    [InlineData("{\"properties\":{\"foo\":{},\"bar\":{}}}", "{\"q")]
    public void An_other_key_is_one_automaton_even_when_several_alternatives_offer_it(string schema, string prefix)
    {
        var compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema).Grammar);
        var matcher = new GrammarMatcher(compiled);
        Assert.True(matcher.TryAdvance(Encoding.UTF8.GetBytes(prefix)));
        Assert.True(matcher.SoleScannerIsAutomaton());
    }

    [Fact]
    public void Different_automata_are_not_one()
    {
        // A string or a number: after '"' only the string runs, but at the start both the literal and other items scan.
        var compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile("{\"anyOf\":[{\"type\":\"string\",\"pattern\":\"^a+$\"},{\"type\":\"string\",\"pattern\":\"^ab*$\"}]}").Grammar);
        var matcher = new GrammarMatcher(compiled);
        Assert.True(matcher.TryAdvance("\"a"u8));
        Assert.Equal(matcher.RunningAutomata().Length == 1, matcher.SoleScannerIsAutomaton());
    }
}
