using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

internal static class Match
{
    public static bool Node(GrammarNode node, string input) =>
        GrammarMatcher.Matches(CompiledGrammar.Compile(Grammar.FromNode(node)), Encoding.UTF8.GetBytes(input));

    public static Func<string, bool> Schema(string schema, JsonSchemaCompilerOptions? options = null)
    {
        var compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema, options).Grammar);
        return json => GrammarMatcher.Matches(compiled, Encoding.UTF8.GetBytes(json));
    }
}
