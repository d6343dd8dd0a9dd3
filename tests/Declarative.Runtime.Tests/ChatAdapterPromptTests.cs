using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Tests;

/// <summary>
/// The messages DSPy 3.3's ChatAdapter produces for the same signatures, byte for byte (expected texts follow
/// dspy/adapters/chat_adapter.py and utils.py, and the exact-message fixtures of tests/adapters/test_chat_adapter.py).
/// </summary>
public class ChatAdapterPromptTests
{
    private static readonly ChatAdapter Adapter = ChatAdapter.Default;

    private static IList<ChatMessage> Format(Signature s, IReadOnlyDictionary<string, object?> inputs, params Example[] demos) =>
        Adapter.Format(s, demos, inputs);

    [Fact]
    public void One_string_field()
    {
        var messages = Format(Signature.Parse("question -> answer"), new Dictionary<string, object?> { ["question"] = "What is 2+2?" });
        Assert.Equal(2, messages.Count);
        Assert.Equal(ChatRole.System, messages[0].Role);
        Assert.Equal(
            "Your input fields are:\n"
            + "1. `question` (str):\n"
            + "Your output fields are:\n"
            + "1. `answer` (str):\n"
            + "All interactions will be structured in the following way, with the appropriate values filled in.\n"
            + "\n"
            + "[[ ## question ## ]]\n"
            + "{question}\n"
            + "\n"
            + "[[ ## answer ## ]]\n"
            + "{answer}\n"
            + "\n"
            + "[[ ## completed ## ]]\n"
            + "In adhering to this structure, your objective is: \n"
            + "        Given the fields `question`, produce the fields `answer`.",
            messages[0].Text);
        Assert.Equal(ChatRole.User, messages[1].Role);
        Assert.Equal(
            "[[ ## question ## ]]\n"
            + "What is 2+2?\n"
            + "\n"
            + "Respond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.",
            messages[1].Text);
    }

    [Fact]
    public void Typed_outputs_int_float_bool_list_enum_record()
    {
        var messages = new Predict<TicketTriage>().FormatMessages(new TicketTriage { Ticket = "Printer on fire" });
        Assert.Equal(
            "Your input fields are:\n"
            + "1. `ticket` (str):\n"
            + "Your output fields are:\n"
            + "1. `priority` (int): \n"
            + "2. `confidence` (float): \n"
            + "3. `escalate` (bool): \n"
            + "4. `tags` (list[str]): \n"
            + "5. `severity` (Severity): \n"
            + "6. `owner` (Owner): who should handle it\n"
            + "All interactions will be structured in the following way, with the appropriate values filled in.\n"
            + "\n"
            + "[[ ## ticket ## ]]\n"
            + "{ticket}\n"
            + "\n"
            + "[[ ## priority ## ]]\n"
            + "{priority}        # note: the value you produce must be a single int value\n"
            + "\n"
            + "[[ ## confidence ## ]]\n"
            + "{confidence}        # note: the value you produce must be a single float value\n"
            + "\n"
            + "[[ ## escalate ## ]]\n"
            + "{escalate}        # note: the value you produce must be True or False\n"
            + "\n"
            + "[[ ## tags ## ]]\n"
            + "{tags}        # note: the value you produce must adhere to the JSON schema: {\"type\": \"array\", \"items\": {\"type\": \"string\"}}\n"
            + "\n"
            + "[[ ## severity ## ]]\n"
            + "{severity}        # note: the value you produce must be one of: Low; Medium; High\n"
            + "\n"
            + "[[ ## owner ## ]]\n"
            + "{owner}        # note: the value you produce must adhere to the JSON schema: {\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\", \"title\": \"Name\"}, \"team_size\": {\"type\": \"integer\", \"title\": \"Team Size\"}}, \"required\": [\"name\", \"team_size\"], \"title\": \"Owner\"}\n"
            + "\n"
            + "[[ ## completed ## ]]\n"
            + "In adhering to this structure, your objective is: \n"
            + "        Classify the ticket.",
            messages[0].Text);
        Assert.Equal(
            "[[ ## ticket ## ]]\n"
            + "Printer on fire\n"
            + "\n"
            + "Respond with the corresponding output fields, starting with the field `[[ ## priority ## ]]` (must be formatted as a valid Python int), "
            + "then `[[ ## confidence ## ]]` (must be formatted as a valid Python float), "
            + "then `[[ ## escalate ## ]]` (must be formatted as a valid Python bool), "
            + "then `[[ ## tags ## ]]` (must be formatted as a valid Python list[str]), "
            + "then `[[ ## severity ## ]]` (must be formatted as a valid Python Severity), "
            + "then `[[ ## owner ## ]]` (must be formatted as a valid Python Owner), "
            + "and then ending with the marker for `[[ ## completed ## ]]`.",
            messages[1].Text);
    }

    [Fact]
    public void Lists_of_strings_and_floats_match_dspy_fixture()
    {
        // dspy tests/adapters/test_chat_adapter.py::test_format_system_message
        var s = Signature.Parse("question -> answers: list[str], scores: list[float]", "Answer the question with multiple answers and scores");
        Assert.Equal(
            "Your input fields are:\n"
            + "1. `question` (str):\n"
            + "Your output fields are:\n"
            + "1. `answers` (list[str]): \n"
            + "2. `scores` (list[float]):\n"
            + "All interactions will be structured in the following way, with the appropriate values filled in.\n"
            + "\n"
            + "[[ ## question ## ]]\n"
            + "{question}\n"
            + "\n"
            + "[[ ## answers ## ]]\n"
            + "{answers}        # note: the value you produce must adhere to the JSON schema: {\"type\": \"array\", \"items\": {\"type\": \"string\"}}\n"
            + "\n"
            + "[[ ## scores ## ]]\n"
            + "{scores}        # note: the value you produce must adhere to the JSON schema: {\"type\": \"array\", \"items\": {\"type\": \"number\"}}\n"
            + "\n"
            + "[[ ## completed ## ]]\n"
            + "In adhering to this structure, your objective is: \n"
            + "        Answer the question with multiple answers and scores",
            Adapter.SystemMessage(s));
    }

    [Fact]
    public void Literal_output()
    {
        var s = Signature.Parse("text -> sentiment: Literal['positive', 'negative']");
        var messages = Format(s, new Dictionary<string, object?> { ["text"] = "great" });
        Assert.Contains(
            "[[ ## sentiment ## ]]\n{sentiment}        # note: the value you produce must exactly match (no extra characters) one of: positive; negative\n",
            messages[0].Text);
        Assert.Contains("Your output fields are:\n1. `sentiment` (Literal['positive', 'negative']):\n", messages[0].Text);
        Assert.EndsWith(
            "starting with the field `[[ ## sentiment ## ]]` (must be formatted as a valid Python Literal['positive', 'negative']), and then ending with the marker for `[[ ## completed ## ]]`.",
            messages[1].Text);
    }

    [Fact]
    public void Instructions_over_several_lines_are_dedented_and_indented()
    {
        var s = Signature.Parse("question -> answer", "Answer the question.\n\n    Be concise.\n    Cite sources.");
        Assert.EndsWith(
            "In adhering to this structure, your objective is: \n"
            + "        Answer the question.\n"
            + "        \n"
            + "            Be concise.\n"
            + "            Cite sources.",
            Adapter.SystemMessage(s));

        var indented = Signature.Parse("question -> answer", "    Line one.\n    Line two.\n");
        Assert.EndsWith("your objective is: \n        Line one.\n        Line two.", Adapter.SystemMessage(indented));
    }

    [Fact]
    public void Demos_become_user_assistant_pairs()
    {
        var s = Signature.Parse("question -> answer");
        var messages = Format(
            s,
            new Dictionary<string, object?> { ["question"] = "What is the capital of Italy?" },
            Example.Of(("question", "What is the capital of France?"), ("answer", "Paris")),
            Example.Of(("question", "What is the capital of Germany?"), ("answer", "Berlin"), ("augmented", true)));
        Assert.Equal(6, messages.Count);
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant, ChatRole.User], messages.Select(m => m.Role));
        Assert.Equal("[[ ## question ## ]]\nWhat is the capital of France?", messages[1].Text);
        Assert.Equal("[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]\n", messages[2].Text);
        Assert.Equal("[[ ## question ## ]]\nWhat is the capital of Germany?", messages[3].Text);
        Assert.Equal("[[ ## answer ## ]]\nBerlin\n\n[[ ## completed ## ]]\n", messages[4].Text);
    }

    [Fact]
    public void Incomplete_demo_matches_dspy_fixture()
    {
        // dspy tests/adapters/test_chat_adapter.py::test_chat_adapter_format_exact_messages_with_incomplete_demo
        var s = Signature.Parse("question, context -> answer, confidence: float");
        var messages = Format(
            s,
            new Dictionary<string, object?> { ["question"] = "Q2", ["context"] = "C2" },
            Example.Of(("question", "Q1"), ("answer", "A1")));
        Assert.Equal(4, messages.Count);
        Assert.Equal(
            "Your input fields are:\n"
            + "1. `question` (str): \n"
            + "2. `context` (str):\n"
            + "Your output fields are:\n"
            + "1. `answer` (str): \n"
            + "2. `confidence` (float):\n"
            + "All interactions will be structured in the following way, with the appropriate values filled in.\n"
            + "\n"
            + "[[ ## question ## ]]\n"
            + "{question}\n"
            + "\n"
            + "[[ ## context ## ]]\n"
            + "{context}\n"
            + "\n"
            + "[[ ## answer ## ]]\n"
            + "{answer}\n"
            + "\n"
            + "[[ ## confidence ## ]]\n"
            + "{confidence}        # note: the value you produce must be a single float value\n"
            + "\n"
            + "[[ ## completed ## ]]\n"
            + "In adhering to this structure, your objective is: \n"
            + "        Given the fields `question`, `context`, produce the fields `answer`, `confidence`.",
            messages[0].Text);
        Assert.Equal("This is an example of the task, though some input or output fields are not supplied.\n\n[[ ## question ## ]]\nQ1", messages[1].Text);
        Assert.Equal("[[ ## answer ## ]]\nA1\n\n[[ ## confidence ## ]]\nNot supplied for this particular example.\n\n[[ ## completed ## ]]\n", messages[2].Text);
        Assert.Equal(
            "[[ ## question ## ]]\nQ2\n\n[[ ## context ## ]]\nC2\n\n"
            + "Respond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, then `[[ ## confidence ## ]]` (must be formatted as a valid Python float), and then ending with the marker for `[[ ## completed ## ]]`.",
            messages[3].Text);
    }

    [Fact]
    public void Incomplete_demos_come_first_and_useless_demos_are_skipped()
    {
        var s = Signature.Parse("question -> answer");
        var messages = Format(
            s,
            new Dictionary<string, object?> { ["question"] = "now" },
            Example.Of(("question", "complete"), ("answer", "yes")),
            Example.Of(("question", "no output")),
            Example.Of(("question", "null output"), ("answer", null)));
        Assert.Equal(6, messages.Count);
        Assert.StartsWith("This is an example", messages[1].Text);
        Assert.Equal("[[ ## answer ## ]]\nNone\n\n[[ ## completed ## ]]\n", messages[2].Text);
        Assert.Equal("[[ ## question ## ]]\ncomplete", messages[3].Text);
    }

    [Fact]
    public void Multi_line_and_list_inputs()
    {
        var s = Signature.Parse("context, passages: list[str], question -> answer");
        var user = Format(s, new Dictionary<string, object?>
        {
            ["context"] = new[] { "first", "two\nlines" },
            ["passages"] = new[] { "a", "b" },
            ["question"] = "line one\nline two",
        })[1].Text;
        Assert.Equal(
            "[[ ## context ## ]]\n"
            + "[1] «first»\n"
            + "[2] «««\n"
            + "    two\n"
            + "    lines\n"
            + "»»»\n"
            + "\n"
            + "[[ ## passages ## ]]\n"
            + "[\"a\", \"b\"]\n"
            + "\n"
            + "[[ ## question ## ]]\n"
            + "line one\n"
            + "line two\n"
            + "\n"
            + "Respond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.",
            user);
    }

    [Fact]
    public void Scalar_inputs_are_written_as_python_does()
    {
        var s = Signature.Parse("flag: bool, ratio: float, count: int, items: list[int], single -> answer");
        var user = Format(s, new Dictionary<string, object?>
        {
            ["flag"] = true,
            ["ratio"] = 3.0,
            ["count"] = 7,
            ["items"] = new List<int> { 1, 2 },
            ["single"] = new[] { "only" },
        })[1].Text;
        Assert.StartsWith("[[ ## flag ## ]]\nTrue\n\n[[ ## ratio ## ]]\n3.0\n\n[[ ## count ## ]]\n7\n\n[[ ## items ## ]]\n[1, 2]\n\n[[ ## single ## ]]\n«only»\n\n", user);
    }

    [Fact]
    public void Record_input_is_one_line_json_in_declaration_order()
    {
        var s = new Signature("S", [new Field("owner", FieldRole.Input, TypeShape.FromType(typeof(Owner))), new Field("summary", FieldRole.Output)]);
        var user = Format(s, new Dictionary<string, object?> { ["owner"] = new Owner("Ada", 3) })[1].Text;
        Assert.StartsWith("[[ ## owner ## ]]\n{\"name\": \"Ada\", \"team_size\": 3}\n\n", user);
        Assert.Contains("1. `owner` (Owner):", Adapter.SystemMessage(s));
    }

    [Fact]
    public void Typed_and_string_signatures_produce_identical_prompts()
    {
        var typed = new Predict<TicketTriage>().FormatMessages(new TicketTriage { Ticket = "x" });
        var parsedSignature = Signature.Parse("ticket -> priority: int, confidence: float, escalate: bool, tags: list[str]", "Classify the ticket.")
            .Append(new Field("severity", FieldRole.Output, TypeShape.FromType(typeof(Severity))))
            .Append(new Field("owner", FieldRole.Output, TypeShape.FromType(typeof(Owner))) { Description = "who should handle it" });
        var parsed = new Predict(parsedSignature).FormatMessages(new Dictionary<string, object?> { ["ticket"] = "x" });
        Assert.Equal(typed.Select(m => (m.Role, m.Text)), parsed.Select(m => (m.Role, m.Text)));

        var qaTyped = new Predict<QA>().FormatMessages(new QA { Question = "Why?" });
        var qaParsed = new Predict("question -> answer").FormatMessages(new Dictionary<string, object?> { ["question"] = "Why?" });
        Assert.Equal(qaTyped.Select(m => m.Text), qaParsed.Select(m => m.Text));
    }

    [Fact]
    public void Chain_of_thought_prepends_reasoning()
    {
        var cot = new ChainOfThought("question -> answer");
        var messages = cot.FormatMessages(new Dictionary<string, object?> { ["question"] = "q" });
        Assert.Contains("Your output fields are:\n1. `reasoning` (str): \n2. `answer` (str):\n", messages[0].Text);
        Assert.Contains("[[ ## reasoning ## ]]\n{reasoning}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]", messages[0].Text);
        Assert.EndsWith("        Given the fields `question`, produce the fields `answer`.", messages[0].Text);
        Assert.EndsWith("starting with the field `[[ ## reasoning ## ]]`, then `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.", messages[1].Text);
    }

    [Fact]
    public void Constraints_are_listed_under_the_field()
    {
        var s = Signature.Parse("question -> answer: int").WithField("answer", f => f with
        {
            Description = "the count",
            Constraints = new FieldConstraints { Minimum = 0, Maximum = 10, MaximumIsExclusive = true },
        });
        Assert.Contains("1. `answer` (int): the count\nConstraints: greater than or equal to: 0, less than: 10\nAll interactions", Adapter.SystemMessage(s));
    }

    [Fact]
    public void System_message_is_built_once_per_signature()
    {
        var s = Signature.Parse("question -> answer");
        Assert.Same(Adapter.SystemMessage(s), Adapter.SystemMessage(s));
    }
}
