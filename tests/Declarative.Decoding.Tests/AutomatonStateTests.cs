using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

/// <summary>
/// The bookkeeping under the mask walk: parser-state ids interned from spans, and what an automaton state knows about
/// itself without its row (whether it can take another byte).
/// </summary>
public class AutomatonStateTests
{
    [Fact]
    public void InternerGivesEqualContentsOneIdAndKeepsThemAcrossGrowth()
    {
        var interner = new StateInterner();
        var ids = new Dictionary<int, int>();
        for (var k = 0; k < 5000; k++)
        {
            ids[k] = interner.Intern([k, k % 7, -1, k * 3]);
        }

        // Dense ids from 1, one per distinct content, unchanged after the table grew many times.
        Assert.Equal(5000, interner.Count);
        Assert.Equal(Enumerable.Range(1, 5000), ids.Values.Order());
        for (var k = 0; k < 5000; k++)
        {
            Assert.Equal(ids[k], interner.Intern(new[] { k, k % 7, -1, k * 3 }.AsSpan()));
        }

        // Contents that differ in one value or in length are other states; the empty state is one too.
        Assert.NotEqual(ids[3], interner.Intern([3, 3, -1, 10]));
        Assert.NotEqual(ids[3], interner.Intern([3, 3, -1]));
        var empty = interner.Intern([]);
        Assert.Equal(empty, interner.Intern(ReadOnlySpan<int>.Empty));
        Assert.Equal(5003, interner.Count);
    }

    public static TheoryData<string> Automata() => new()
    {
        "literals",
        "star",
        "bounded",
        "unicode",
    };

    [Theory]
    [MemberData(nameof(Automata))]
    public void TakesNoByteAgreesWithTheRowOfEveryReachableState(string name)
    {
        var node = name switch
        {
            // "ab" ends; "abc" goes on from the same prefix; "x" then nothing.
            "literals" => GrammarNode.Choice(GrammarNode.Literal("ab"), GrammarNode.Literal("abc"), GrammarNode.Literal("x")),
            "star" => GrammarNode.Star(GrammarNode.Choice(GrammarNode.Chars("ab"), GrammarNode.Literal("\\n"))),
            "bounded" => GrammarNode.Repeat(GrammarNode.Chars("0123456789"), 1, 3),
            _ => GrammarNode.Seq(GrammarNode.Literal("é"), GrammarNode.Repeat(GrammarNode.Class(new CodePointRange(0x80, 0x10FFFF)), 0, 2)),
        };
        var dfa = ByteDfa.TryBuild(node, _ => null);
        Assert.NotNull(dfa);

        var seen = new HashSet<int> { 0 };
        var pending = new Stack<int>([0]);
        var spent = 0;
        while (pending.Count > 0)
        {
            var state = pending.Pop();
            var noByte = dfa.TakesNoByte(state); // asked before the row exists
            var row = dfa.RowOf(state);
            Assert.Equal(row.All(next => next < 0), noByte);
            Assert.Equal(dfa.AllowedAt(state).IsEmpty, noByte);
            spent += noByte ? 1 : 0;
            foreach (var next in row.Where(next => next >= 0))
            {
                if (seen.Add(next))
                {
                    pending.Push(next);
                }
            }
        }

        // Each automaton but the star has states that can only end (a whole literal, the third digit, the second character).
        Assert.Equal(name == "star", spent == 0);
    }
}
