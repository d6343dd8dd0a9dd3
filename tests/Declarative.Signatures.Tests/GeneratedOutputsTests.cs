using Declarative.Grammars;

namespace Declarative.Signatures.Tests;

public class GeneratedOutputsTests
{
    [Fact]
    public void A_registered_descriptor_answers_from_its_build_time_outputs_and_others_compile()
    {
        var registered = Signature.Parse("question -> answer: int");
        var other = Signature.Parse("question -> answer: int");
        SignatureGrammar.RegisterGenerated(
            registered,
            """{"type":"object","properties":{"answer":{"type":"integer","maximum":9}},"required":["answer"],"additionalProperties":false}""",
            "root ::= \"{\\\"answer\\\":\" [0-9] \"}\"\n",
            "root ::= \"[[ ## answer ## ]]\\n\" [0-9] \"\\n\\n[[ ## completed ## ]]\"\n");

        Assert.Equal(9, TypeShapeSchema.ForOutputs(registered)["properties"]!["answer"]!["maximum"]!.GetValue<int>());
        Assert.Equal("root ::= \"{\\\"answer\\\":\" [0-9] \"}\"\n", SignatureGrammar.ForJson(registered).ToGbnf());
        Assert.Equal("root ::= \"[[ ## answer ## ]]\\n\" [0-9] \"\\n\\n[[ ## completed ## ]]\"\n", SignatureGrammar.ForChat(registered).ToGbnf());

        // Another descriptor (equal, but not the registered instance) compiles; other whitespace settings compile from the registered schema.
        Assert.Null(TypeShapeSchema.ForOutputs(other)["properties"]!["answer"]!["maximum"]);
        Assert.NotEqual(SignatureGrammar.ForJson(registered).ToGbnf(), SignatureGrammar.ForJson(other).ToGbnf());
        var spaced = SignatureGrammar.ForJson(registered, maxWhitespace: 2).ToGbnf();
        Assert.Contains("ws ::= [\\t\\n\\r ]{0,2}", spaced); // compiled from the descriptor's schema: the constant has no whitespace
        Assert.Equal(JsonSchemaCompiler.Compile(TypeShapeSchema.ForOutputs(registered), new JsonSchemaCompilerOptions { MaxWhitespace = 2 }).Grammar.ToGbnf(), spaced);
    }

    [Fact]
    public void Outputs_left_null_are_compiled_on_use()
    {
        var registered = SignatureGrammar.RegisterGenerated(Signature.Parse("question -> answer: bool"), null, null, null);
        var reference = Signature.Parse("question -> answer: bool");

        Assert.Equal(TypeShapeSchema.ForOutputs(reference).ToJsonString(), TypeShapeSchema.ForOutputs(registered).ToJsonString());
        Assert.Equal(SignatureGrammar.ForChat(reference).ToGbnf(), SignatureGrammar.ForChat(registered).ToGbnf());
    }
}
