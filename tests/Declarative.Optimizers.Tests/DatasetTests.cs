namespace Declarative.Optimizers.Tests;

public sealed class DatasetTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-dataset-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Jsonl_lines_become_examples_with_their_inputs_marked()
    {
        var path = Write("d.jsonl", "{\"question\": \"q1\", \"answer\": \"a\", \"n\": 3, \"tags\": [\"x\"]}\n\n{\"question\": \"q2\", \"answer\": \"b\", \"score\": 0.5}\n");
        var examples = Dataset.LoadJsonl(path, "question");
        Assert.Equal(2, examples.Count);
        Assert.Equal(["question"], examples[0].InputKeys);
        Assert.Equal("q1", examples[0].Inputs()["question"]);
        Assert.Equal(3L, examples[0]["n"]);
        Assert.Equal(["x"], (List<object?>)examples[0]["tags"]!);
        Assert.Equal(0.5, examples[1]["score"]);
        Assert.Equal(["answer", "score"], examples[1].Labels().Keys.Order());
    }

    [Theory]
    [InlineData("{\"question\": \"q\"}\n{\"question\": \n", ":2: not valid JSON")]
    [InlineData("{\"question\": \"q\"}\n\n[1, 2]\n", ":3: each line must be a JSON object")]
    [InlineData("{\"question\": \"q\"}\n{\"answer\": \"a\"}\n", ":2: the example has no input 'question'; it has answer")]
    public void Jsonl_errors_name_the_line(string text, string expected)
    {
        var path = Write("bad.jsonl", text);
        var ex = Assert.Throws<DatasetException>(() => Dataset.LoadJsonl(path, "question"));
        Assert.Contains(path + expected, ex.Message);
        Assert.Equal(path, ex.Path);
    }

    [Fact]
    public void A_missing_file_or_no_input_keys_is_reported()
    {
        Assert.Contains("does not exist", Assert.Throws<DatasetException>(() => Dataset.LoadJsonl(Path.Combine(folder, "none.jsonl"), "q")).Message);
        Assert.Throws<ArgumentException>(() => Dataset.LoadCsv(Write("x.csv", "a\n1\n")));
    }

    [Fact]
    public void Csv_rows_become_examples_with_quoted_fields()
    {
        var path = Write("d.csv", "question,answer\r\n\"Hello, world\",\"say \"\"hi\"\"\"\n\"two\nlines\",b\n\nlast,c");
        var examples = Dataset.LoadCsv(path, "question");
        Assert.Equal(3, examples.Count);
        Assert.Equal("Hello, world", examples[0]["question"]);
        Assert.Equal("say \"hi\"", examples[0]["answer"]);
        Assert.Equal("two\nlines", examples[1]["question"]);
        Assert.Equal("c", examples[2]["answer"]);
        Assert.Equal(["question"], examples[2].InputKeys);
    }

    [Theory]
    [InlineData("question,answer\nq,a\n\"multi\nline\",b,extra\n", ":3: the row has 3 fields but the header has 2")]
    [InlineData("prompt,answer\nq,a\n", ":1: the header has no column 'question'; its columns are prompt, answer")]
    [InlineData("question,answer\n\"open,a\n", ":2: a quoted field is not closed")]
    [InlineData("", ": the file is empty")]
    public void Csv_errors_name_the_line(string text, string expected)
    {
        var path = Write("bad.csv", text);
        Assert.Contains(path + expected, Assert.Throws<DatasetException>(() => Dataset.LoadCsv(path, "question")).Message);
    }
}
