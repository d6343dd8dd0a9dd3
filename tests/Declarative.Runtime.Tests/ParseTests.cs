namespace Declarative.Runtime.Tests;

public class ParseTests
{
    [Fact]
    public void Chat_parse_reads_sections_first_occurrence_wins()
    {
        var s = Signature.Parse("question -> answer, score: int");
        var values = ChatAdapter.Default.Parse(s,
            "preamble\n[[ ## answer ## ]]\nParis\nis the capital\n\n[[ ## score ## ]] 7\n[[ ## answer ## ]]\nLyon\n[[ ## completed ## ]]\n");
        Assert.Equal("Paris\nis the capital", values["answer"]);
        Assert.Equal(7L, values["score"]);
    }

    [Fact]
    public void Replies_nested_too_deep_are_refused_with_a_parse_error_not_a_stack_overflow()
    {
        var s = Signature.Parse("question -> answer: list[str]");
        var deep = new string('[', 200_000);
        Assert.Throws<AdapterParseException>(() => JsonAdapter.Default.Parse(s, "{\"answer\": " + deep + "}"));
        Assert.Throws<AdapterParseException>(() => ChatAdapter.Default.Parse(s, "[[ ## answer ## ]]\n" + deep + "\n\n[[ ## completed ## ]]"));
        var ok = string.Concat(Enumerable.Repeat("[", 10)) + "\"x\"" + string.Concat(Enumerable.Repeat("]", 10));
        Assert.NotNull(Declarative.Values.LenientJson.Parse(ok)); // ordinary nesting still reads
        Assert.Contains("nests deeper than 64", Assert.Throws<FormatException>(() => Declarative.Values.LenientJson.Parse(new string('(', 65) + "1" + new string(')', 65))).Message);
    }

    [Fact]
    public void An_object_inside_prose_is_found_after_unbalanced_braces_within_a_bounded_number_of_starts()
    {
        // Each "{ it's" opens an object and a quote that never close, so each start reads to the end of the text.
        string Reply(int broken) => string.Concat(Enumerable.Repeat("{ it's ", broken)) + "the answer: {\"answer\": \"Paris\"}";
        Assert.Equal("{\"answer\": \"Paris\"}", Declarative.Values.LenientJson.FindObject(Reply(10)));
        Assert.Null(Declarative.Values.LenientJson.FindObject(Reply(Declarative.Values.LenientJson.MaxObjectStarts)));
    }

    [Fact]
    public void Empty_keys_are_valid_json_keys()
    {
        var s = Signature.Parse("question -> hourly: dict[str, float]");
        var values = ChatAdapter.Default.Parse(s, "[[ ## hourly ## ]]\n{\"\":12.5,\n \"x\": 1}\n\n[[ ## completed ## ]]");
        var hourly = Assert.IsAssignableFrom<System.Collections.IDictionary>(values["hourly"]);
        Assert.Equal(12.5, hourly[""]);
    }

    [Fact]
    public void Chat_parse_ignores_unknown_and_input_sections()
    {
        var s = Signature.Parse("question -> answer");
        var values = ChatAdapter.Default.Parse(s, "[[ ## question ## ]]\nq\n[[ ## extra ## ]]\nx\n[[ ## answer ## ]]\na");
        Assert.Equal(["answer"], values.Keys);
    }

    [Fact]
    public void Missing_output_raises_with_raw_completion()
    {
        var s = Signature.Parse("question -> answer, score: int");
        const string Raw = "[[ ## answer ## ]]\nParis\n[[ ## completed ## ]]";
        var ex = Assert.Throws<AdapterParseException>(() => ChatAdapter.Default.Parse(s, Raw));
        Assert.Equal("ChatAdapter", ex.AdapterName);
        Assert.Equal(Raw, ex.RawCompletion);
        Assert.Contains("'score'", ex.Message);
        Assert.Contains("[[ ## score ## ]]", ex.Message);
        Assert.Equal("Paris", ex.ParsedFields["answer"]);
    }

    [Fact]
    public void Malformed_value_raises_naming_the_field()
    {
        var s = Signature.Parse("question -> score: int");
        var ex = Assert.Throws<AdapterParseException>(() => ChatAdapter.Default.Parse(s, "[[ ## score ## ]]\nseven"));
        Assert.Contains("field 'score' (int)", ex.Message);
        Assert.Contains("not a whole number", ex.Message);
        Assert.IsType<FormatException>(ex.InnerException);
    }

    [Fact]
    public void Nullable_outputs_may_be_missing()
    {
        var s = Signature.Parse("question -> answer, note: str | None");
        var values = ChatAdapter.Default.Parse(s, "[[ ## answer ## ]]\nyes");
        Assert.Null(values["note"]);
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("false", false)]
    [InlineData("yes", true)]
    public void Bools_parse_leniently(string text, bool expected)
    {
        var s = Signature.Parse("q -> b: bool");
        Assert.Equal(expected, ChatAdapter.Default.Parse(s, $"[[ ## b ## ]]\n{text}")["b"]);
    }

    [Theory]
    [InlineData("['a', 'b']")]
    [InlineData("[\"a\", \"b\"]")]
    [InlineData("```json\n[\"a\", \"b\",]\n```")]
    [InlineData("(\"a\", \"b\")")]
    public void Lists_parse_from_json_and_python_literals(string text)
    {
        var s = Signature.Parse("q -> items: list[str]");
        Assert.Equal(new List<object?> { "a", "b" }, ChatAdapter.Default.Parse(s, $"[[ ## items ## ]]\n{text}")["items"]);
    }

    [Fact]
    public void Literal_accepts_quoted_and_wrapped_values_but_not_others()
    {
        var s = Signature.Parse("q -> label: Literal['pos', 'neg']");
        Assert.Equal("pos", ChatAdapter.Default.Parse(s, "[[ ## label ## ]]\n'pos'")["label"]);
        Assert.Equal("neg", ChatAdapter.Default.Parse(s, "[[ ## label ## ]]\nLiteral['neg']")["label"]);
        var ex = Assert.Throws<AdapterParseException>(() => ChatAdapter.Default.Parse(s, "[[ ## label ## ]]\nneutral"));
        Assert.Contains("'pos', 'neg'", ex.Message);
    }

    [Fact]
    public void Integer_overflow_is_an_error()
    {
        var s = new Signature("S", [new Field("q", FieldRole.Input), new Field("b", FieldRole.Output, TypeShape.FromType(typeof(byte)))]);
        var ex = Assert.Throws<AdapterParseException>(() => ChatAdapter.Default.Parse(s, "[[ ## b ## ]]\n300"));
        Assert.Contains("does not fit in Byte", ex.Message);
    }

    [Fact]
    public void Record_missing_a_required_property_names_the_path()
    {
        var s = new Signature("S", [new Field("q", FieldRole.Input), new Field("owner", FieldRole.Output, TypeShape.FromType(typeof(Owner)))]);
        var ex = Assert.Throws<AdapterParseException>(() => ChatAdapter.Default.Parse(s, "[[ ## owner ## ]]\n{\"name\": \"Ada\"}"));
        Assert.Contains("$: the required property 'team_size' is missing", ex.Message);
    }

    [Fact]
    public void Json_adapter_parses_objects_even_inside_prose()
    {
        var s = Signature.Parse("q -> answer, score: float");
        var values = JsonAdapter.Default.Parse(s, "Sure! {\"answer\": \"x\", \"score\": 0.5, \"extra\": 1} Hope this helps.");
        Assert.Equal("x", values["answer"]);
        Assert.Equal(0.5, values["score"]);
        var ex = Assert.Throws<AdapterParseException>(() => JsonAdapter.Default.Parse(s, "no json here"));
        Assert.Equal("JsonAdapter", ex.AdapterName);
        Assert.Equal("no json here", ex.RawCompletion);
    }

    [Fact]
    public void Xml_adapter_parses_tags_and_unescapes()
    {
        var s = Signature.Parse("q -> answer, n: int");
        var values = XmlAdapter.Default.Parse(s, "<answer>\na &lt; b &amp; c\n</answer>\n<n>3</n>");
        Assert.Equal("a < b & c", values["answer"]);
        Assert.Equal(3L, values["n"]);
        Assert.Throws<AdapterParseException>(() => XmlAdapter.Default.Parse(s, "<answer>open"));
    }
}
