using Declarative.Decoding;
using Declarative.Grammars;
using Xunit;

namespace Declarative.Decoding.Tests;

public sealed class EngineWarmUpTests
{
    [Fact]
    public void Run_ReplaysItsDocumentsTokenByToken()
    {
        // Run throws when the engine rejects a warm-up token, so completing pins that its documents stay canonical for
        // the grammar its schema compiles to; every mask step of both documents (each replayed twice) is counted.
        var masks = EngineWarmUp.Run();

        Assert.True(masks > 100, $"only {masks} masks were computed");
    }

    [Fact]
    public void GrammarAfterTheWarmUp_StartsFromNothingOfIts()
    {
        // The warm-up decodes over a vocabulary of its own: a grammar made afterwards over another vocabulary has no
        // cached mask, and its first mask is that grammar's (tokens 'a' and 'ab' start "ab"; 'b' and the end do not).
        EngineWarmUp.EnsureRan();
        var vocabulary = new Vocabulary([[(byte)'a'], [(byte)'b'], "ab"u8.ToArray(), []], [3]);
        var grammar = new TokenGrammar(CompiledGrammar.Compile(Grammar.FromNode(GrammarNode.Literal("ab"))), vocabulary);
        var mask = new uint[vocabulary.MaskWords];

        Assert.Equal(0, grammar.CachedMasks);
        grammar.CreateMatcher().ComputeMask(mask);
        Assert.Equal(0b0101u, mask[0]);
    }
}
