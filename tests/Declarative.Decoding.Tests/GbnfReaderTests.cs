using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

public class GbnfReaderTests
{
    public static TheoryData<string> Schemas() =>
    [
        """{"type": "object", "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 20}, "age": {"type": "integer", "minimum": 0, "maximum": 150}}, "required": ["name"]}""",
        """{"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3,}(\\.[a-z]+)?$"}""",
        """{"type": "string", "format": "date-time"}""",
        """{"type": "string", "format": "uuid"}""",
        """{"type": "string", "format": "ipv6"}""",
        """{"type": "number", "exclusiveMinimum": -2.5, "maximum": 1000}""",
        """{"type": "integer", "multipleOf": 7}""",
        """{"enum": ["naïve", "日本語", "emoji 😀", "quote \" and \\ backslash", "tab\tnewline\n", "ctl \u0001"]}""",
        """{"type": "array", "items": {"type": "boolean"}, "minItems": 2, "maxItems": 4}""",
        """{"anyOf": [{"type": "null"}, {"type": "object", "additionalProperties": {"type": "number"}}]}""",
        """{"$defs": {"node": {"type": "object", "properties": {"value": {"type": "integer"}, "next": {"$ref": "#/$defs/node"}}}}, "$ref": "#/$defs/node"}""",
        """{"type": "object", "properties": {"a": {"const": "x-]^[\\"}}, "additionalProperties": false}""",
        """{"type": "string", "pattern": "[^\\u0000-\\u001f\"\\\\]{0,3}[\\u00e9\\u4e00-\\u9fff\\ud83d\\ude00]"}""",
    ];

    [Theory]
    [MemberData(nameof(Schemas))]
    public void What_the_writer_writes_reads_back_to_the_same_text_and_tree(string schema)
    {
        var grammar = JsonSchemaCompiler.Compile(schema).Grammar;
        var gbnf = grammar.ToGbnf();

        var read = Grammar.ParseGbnf(gbnf);

        Assert.Equal(gbnf, read.ToGbnf());
        Assert.Equal(gbnf, Grammar.ParseGbnf(read.ToGbnf()).ToGbnf());
        Assert.Equal(grammar[grammar.Root], read["root"]);
    }

    [Fact]
    public void Hand_written_gbnf_with_comments_groups_negation_and_counts_reads()
    {
        var grammar = Grammar.ParseGbnf("""
            # a list of short words
            root ::= "[" ws word ( "," ws word ){0,2} "]"   # up to three
            word ::=
                [^,\] \x5B]{1,4}
              | "\u00e9t\xE9"
            ws ::= [ \t]?
            any ::= .
            """);

        var compiled = CompiledGrammar.Compile(grammar);
        bool Matches(string text) => GrammarMatcher.Matches(compiled, Encoding.UTF8.GetBytes(text));

        Assert.True(Matches("[ab,\tcd, été]"));
        Assert.True(Matches("[wxyz]"));
        Assert.False(Matches("[abcde]"));
        Assert.False(Matches("[a,b,c,d]"));
        Assert.False(Matches("[a[b]"));
        Assert.Equal(GrammarNode.NotClass([]), grammar["any"]);
        Assert.Equal(GrammarNode.Choice(GrammarNode.Repeat(GrammarNode.NotClass([new(',', ','), new(']', ']'), new(' ', ' '), new('[', '[')]), 1, 4), GrammarNode.Literal("été")), grammar["word"]);
    }

    [Theory]
    [InlineData("root ::= \"abc", "line 1, column 10", "not closed")]
    [InlineData("root ::= [a-", "line 1, column 10", "not closed")]
    [InlineData("root ::= x\nx = \"a\"", "line 2, column 3", "unexpected '='")]
    [InlineData("root ::= \"a\"{3,1}", "line 1, column 13", "below its minimum")]
    [InlineData("root ::= [z-a]", "line 1, column 10", "backwards")]
    [InlineData("root ::= \"\\q\"", "line 1, column 11", "unknown escape")]
    [InlineData("root ::= ( \"a\"", "line 1, column 10", "not closed")]
    [InlineData("  # nothing\n", "", "no rules")]
    public void Bad_gbnf_names_the_place_and_the_problem(string gbnf, string place, string problem)
    {
        var error = Assert.Throws<GrammarException>(() => Grammar.ParseGbnf(gbnf));
        Assert.Contains(place, error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Undefined_rules_and_a_missing_root_are_errors()
    {
        Assert.Contains("missing", Assert.Throws<GrammarException>(() => Grammar.ParseGbnf("root ::= missing")).Message);
        Assert.Contains("root", Assert.Throws<GrammarException>(() => Grammar.ParseGbnf("start ::= \"a\"")).Message);
    }
}
