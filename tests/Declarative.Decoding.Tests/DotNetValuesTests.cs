using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

/// <summary>Grammars of signatures allow only values .NET's types hold; plain JSON Schema has no such limits.</summary>
public class DotNetValuesTests
{
    [Theory]
    [InlineData("{\"type\":\"integer\"}", "123456789012345678", true)]
    [InlineData("{\"type\":\"integer\"}", "1234567890123456789", false)]
    [InlineData("{\"type\":\"number\"}", "1.5e99", true)]
    [InlineData("{\"type\":\"number\"}", "1e308", false)]
    [InlineData("{\"type\":\"number\"}", "-0.000001", true)]
    [InlineData("{\"type\":\"string\",\"format\":\"date-time\"}", "\"2024-02-29T10:00:00+14:00\"", true)]
    [InlineData("{\"type\":\"string\",\"format\":\"date-time\"}", "\"2024-02-29T10:00:00+17:41\"", false)]
    [InlineData("{\"type\":\"string\",\"format\":\"date-time\"}", "\"2024-02-29t10:00:00z\"", false)]
    [InlineData("{\"type\":\"string\",\"format\":\"date-time\"}", "\"2024-02-29T10:00:00.12345678Z\"", false)]
    public void Values_are_limited_only_with_the_option(string schema, string json, bool fits)
    {
        Assert.Equal(fits, Match.Schema(schema, new JsonSchemaCompilerOptions { DotNetValues = true })(json));
        Assert.True(Match.Schema(schema)(json)); // JSON Schema itself has no such limits
    }

    [Fact]
    public void Narrow_integer_fields_are_bounded_by_their_type()
    {
        var signature = Signature.For<Counts>();
        var schema = TypeShapeSchema.ForOutputs(signature).ToJsonString();
        Assert.Contains("\"small\":{\"type\":\"integer\",\"minimum\":-2147483648,\"maximum\":2147483647", schema);
        Assert.Contains("\"tiny\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":255", schema);
        Assert.Contains("\"big\":{\"type\":\"integer\"}", schema);
        Assert.DoesNotContain("2147483647", TypeShapeSchema.ForPrompt(signature.OutputFields[0].Shape).ToJsonString()); // prompts show them as DSPy does
    }

    [Signature]
    public sealed class Counts
    {
        [Input]
        public string Text { get; set; } = "";

        [Output]
        public int Small { get; set; }

        [Output]
        public byte Tiny { get; set; }

        [Output]
        public long Big { get; set; }
    }
}
