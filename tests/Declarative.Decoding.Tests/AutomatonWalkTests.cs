using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

/// <summary>
/// The mask walk steps a lexeme's automaton alone and asks the parser only where the automaton may end; these grammars
/// put that shortcut where it is easy to get wrong, and compare every mask with the byte-level matcher token by token.
/// </summary>
public class AutomatonWalkTests
{
    private static Vocabulary Vocabulary(params string[] words)
    {
        var tokens = new List<byte[]>();
        for (var b = 0; b < 256; b++)
        {
            tokens.Add([(byte)b]);
        }

        tokens.AddRange(words.Select(Encoding.UTF8.GetBytes));
        tokens.Add([]); // end of sequence
        return new Vocabulary(tokens, [tokens.Count - 1]);
    }

    /// <summary>Every prefix of every document, each token checked against feeding its bytes to a byte-level matcher.</summary>
    private static void AssertMasksExact(Grammar grammar, Vocabulary vocabulary, params string[] documents)
    {
        var tokens = new TokenGrammar(CompiledGrammar.Compile(grammar), vocabulary);
        var mask = new uint[vocabulary.MaskWords];
        foreach (var document in documents)
        {
            var bytes = Encoding.UTF8.GetBytes(document);
            var matcher = tokens.CreateMatcher();
            var reference = new GrammarMatcher(tokens.Grammar);
            for (var position = 0; ; position++)
            {
                matcher.ComputeMask(mask);
                for (var id = 0; id < vocabulary.Count; id++)
                {
                    var expected = TokenMatcherTests.BruteForce(reference, vocabulary, id);
                    var actual = (mask[id >> 5] & (1u << (id & 31))) != 0;
                    Assert.True(expected == actual, $"'{document}' at {position}: token '{Encoding.UTF8.GetString(vocabulary[id])}' expected {expected}");
                }

                if (position == bytes.Length)
                {
                    break;
                }

                Assert.True(matcher.TryAdvance(bytes[position]), $"'{document}' byte {position}");
                Assert.True(reference.TryAdvance(bytes[position]));
            }
        }
    }

    [Fact]
    public void A_byte_both_the_automaton_and_what_follows_it_take_is_walked_from_the_real_state()
    {
        // ("1" | "12") then ("2y" | digits "x"): after "1" the byte '2' both continues the first automaton and starts the
        // second, so a token such as "2y" is allowed only through the exit and "22x" through both.
        var grammar = new Grammar("root", [
            new("root", GrammarNode.Seq(GrammarNode.Choice(GrammarNode.Literal("1"), GrammarNode.Literal("12")), GrammarNode.Ref("tail"))),
            new("tail", GrammarNode.Choice(GrammarNode.Literal("2y"), GrammarNode.Seq(GrammarNode.Star(JsonGrammar.Digit), GrammarNode.Literal("x")))),
        ]);
        var vocabulary = Vocabulary("12", "122", "12y", "2y", "1x", "12x", "22x", "2x", "y", "x1", "222");
        AssertMasksExact(grammar, vocabulary, "12y", "122x", "1x", "12x", "1222x", "12222x");
    }

    [Fact]
    public void Exits_after_a_bounded_lexeme_and_inside_nested_automata_are_exact()
    {
        // A bounded run of letters, a literal that may follow it, and an unbounded tail that an exit leads into.
        var word = GrammarNode.Repeat(GrammarNode.Class(new CodePointRange('a', 'c')), 1, 3);
        var grammar = new Grammar("root", [
            new("root", GrammarNode.Seq(word, GrammarNode.Literal(":"), GrammarNode.Choice(GrammarNode.Literal("ab"), GrammarNode.Seq(GrammarNode.Literal("["), GrammarNode.Ref("root"), GrammarNode.Literal("]"))))),
        ]);
        var vocabulary = Vocabulary("ab", "abc", "abca", "c:", "c:[", ":[", ":ab", "b:ab", "ab]", "]]", "a:[b", "ca:", "[a", "]");
        AssertMasksExact(grammar, vocabulary, "abc:ab", "a:[bc:[c:ab]]", "ca:[a:ab]");
    }

    [Fact]
    public void Automata_grow_on_demand_and_keep_their_answers()
    {
        // A large regular alternation compiles without building its automaton up front; masks still agree.
        var names = Enumerable.Range(0, 300).Select(i => GrammarNode.Literal($"\"key{i:D3}\"")).ToArray();
        var grammar = Grammar.FromNode(GrammarNode.Seq(GrammarNode.Literal("{"), GrammarNode.Choice(names), GrammarNode.Literal("}")));
        var vocabulary = Vocabulary("{\"", "key", "\"key0", "01", "299\"}", "\"}", "key1", "00\"");
        AssertMasksExact(grammar, vocabulary, "{\"key001\"}", "{\"key299\"}", "{\"key150\"}");
    }

    [Fact]
    public void Right_recursive_rules_compile_to_one_automaton_and_nested_recursion_does_not()
    {
        // multipleOf is a digit automaton written as right-recursive rules: it runs as one automaton.
        var multiple = CompiledGrammar.Compile(JsonSchemaCompiler.Compile("{\"type\":\"integer\",\"multipleOf\":3}").Grammar);
        Assert.NotEmpty(multiple.Dfas);
        Assert.True(multiple.ProductionCount < 10, $"{multiple.ProductionCount} productions: the digit rules should each be one automaton");
        Assert.True(GrammarMatcher.Matches(multiple, "-123"u8));
        Assert.False(GrammarMatcher.Matches(multiple, "124"u8));

        // A value nested in an array recurses in the middle: the parser keeps it, and only its regular parts are automata.
        var nested = new Grammar("value", [
            new("value", GrammarNode.Choice(GrammarNode.Literal("0"), GrammarNode.Seq(GrammarNode.Literal("["), GrammarNode.Ref("value"), GrammarNode.Literal("]")))),
        ]);
        var compiled = CompiledGrammar.Compile(nested);
        Assert.Empty(compiled.Dfas);
        Assert.True(GrammarMatcher.Matches(compiled, "[[0]]"u8));
        Assert.False(GrammarMatcher.Matches(compiled, "[[0]"u8));
        AssertMasksExact(nested, Vocabulary("[[", "0]", "]]", "[0"), "[[0]]", "0");
    }

    [Fact]
    public void Strings_seeded_from_the_shared_string_automaton_still_see_tokens_that_close_them()
    {
        // Inside a string the mask starts from every token the plain string automaton keeps alive; tokens that close the
        // string and go on ("a\",", "ab\"}") are only found by walking past the seed, and keys other than the declared
        // names run as one automaton whose later states have the string automaton as witness.
        var schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"additionalProperties\":{\"type\":\"string\"}}";
        var grammar = JsonSchemaCompiler.Compile(schema).Grammar;
        var vocabulary = Vocabulary("a\"", "a\",", "ab\"}", "ab\":\"", "abc", "na", "name\":\"", "\":\"", "x\"y", "\\\"", "é\"}", "ab");
        AssertMasksExact(grammar, vocabulary, "{\"name\":\"ab\",\"ab\":\"a\"}", "{\"abc\":\"x\\\"é\"}");
    }
}
