using Declarative.Values;

namespace Declarative.Runtime.Tests;

/// <summary>The one fence stripper shared by the lenient JSON reader, text-to-SQL and the guards' SQL check.</summary>
public class CodeFenceTests
{
    [Theory]
    [InlineData("```sql\nSELECT 1\n```", "SELECT 1")]
    [InlineData("  ```json\n{\"a\": 1}\n```  \n", "{\"a\": 1}")]
    [InlineData("```\nSELECT a\nFROM t\n```", "SELECT a\nFROM t")]
    [InlineData("```sql\r\nSELECT 1\r\n```", "SELECT 1")]
    [InlineData("````sql\nSELECT '```'\n````", "SELECT '```'")]
    [InlineData("~~~sql\nSELECT 1\n~~~", "SELECT 1")]
    [InlineData("```SELECT 1```", "SELECT 1")]
    [InlineData("```SELECT a\nFROM t\n```", "SELECT a\nFROM t")]
    public void Fenced_text_loses_its_fence_and_info_string(string text, string expected) =>
        Assert.Equal(expected, CodeFence.Strip(text));

    [Theory]
    [InlineData("SELECT 1", "SELECT 1")]
    [InlineData("  SELECT 1 \n", "SELECT 1")]
    [InlineData("```sql\nSELECT 1\n```\nThis query counts rows.", "```sql\nSELECT 1\n```\nThis query counts rows.")]
    [InlineData("```sql\nSELECT 1", "```sql\nSELECT 1")]
    [InlineData("``x``", "``x``")]
    [InlineData("``````", "``````")]
    [InlineData("", "")]
    public void Anything_else_is_only_trimmed(string text, string expected) =>
        Assert.Equal(expected, CodeFence.Strip(text));

    [Fact]
    public void The_json_reader_and_the_parsers_use_it()
    {
        var s = Signature.Parse("question -> tags: list[str]");
        Assert.Equal(new List<object?> { "a", "b" }, ChatAdapter.Default.Parse(s, "[[ ## tags ## ]]\n~~~json\n[\"a\", \"b\"]\n~~~\n\n[[ ## completed ## ]]")["tags"]);
    }
}
