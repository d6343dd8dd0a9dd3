namespace Declarative.Signatures.Tests;

public class NamingTests
{
    [Theory]
    [InlineData("QuestionText", "question_text")]
    [InlineData("Answer", "answer")]
    [InlineData("HTMLParser", "html_parser")]
    [InlineData("userID", "user_id")]
    [InlineData("Top3Results", "top3_results")]
    [InlineData("already_snake", "already_snake")]
    public void Snake_case(string input, string expected) => Assert.Equal(expected, Naming.ToSnakeCase(input));

    [Theory]
    [InlineData("question", "Question:")]
    [InlineData("question_text", "Question Text:")]
    [InlineData("camelCaseText", "Camel Case Text:")]
    [InlineData("text2number", "Text 2 Number:")]
    [InlineData("HTMLParser", "HTML Parser:")]
    public void Dspy_prefixes(string input, string expected) => Assert.Equal(expected, Naming.InferPrefix(input));

    [Theory]
    [InlineData(3.0, "3.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(double.NaN, "nan")]
    public void Python_float_repr(double value, string expected) => Assert.Equal(expected, PythonFormat.Float(value));

    [Theory]
    [InlineData("team_size", "Team_Size")]
    [InlineData("tag2x", "Tag2X")]
    public void Python_title(string input, string expected) => Assert.Equal(expected, PythonFormat.Title(input));
}
