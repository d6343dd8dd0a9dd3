using System.Runtime.CompilerServices;
using System.Text;
using Declarative.Values;
using Microsoft.Extensions.AI;

namespace Declarative;

/// <summary>
/// Turns a signature, demonstrations and inputs into chat messages, and a completion back into output values.
/// Adapters are stateless apart from per-signature caches, and safe to share between threads.
/// </summary>
/// <remarks>
/// The built-in adapters reproduce DSPy 3.3's message formats, so that prompts and saved programs move between DSPy and
/// Declarative unchanged: <see cref="ChatAdapter"/> (<c>[[ ## field ## ]]</c> sections, the default),
/// <see cref="JsonAdapter"/> (a JSON object reply, with the outputs' JSON schema as the response format) and
/// <see cref="XmlAdapter"/> (<c>&lt;field&gt;</c> tags).
/// </remarks>
public abstract class Adapter
{
    /// <summary>The prefix DSPy puts on a demonstration that lacks some fields.</summary>
    public const string IncompleteDemoPrefix = "This is an example of the task, though some input or output fields are not supplied.";

    /// <summary>The text DSPy writes for a demonstration's missing output field.</summary>
    public const string MissingFieldMessage = "Not supplied for this particular example. ";

    private readonly ConditionalWeakTable<Signature, string> systemMessages = new();

    /// <summary>The adapter's name, as it appears in errors and traces (<c>ChatAdapter</c>, …).</summary>
    public abstract string Name { get; }

    /// <summary>Formats the messages of one call: the system message, the demonstrations as user/assistant turns, and the request.</summary>
    /// <param name="signature">The signature.</param>
    /// <param name="demos">Demonstrations (each a dictionary of field values).</param>
    /// <param name="inputs">The input values by field name.</param>
    /// <returns>The messages, in order.</returns>
    public IList<ChatMessage> Format(Signature signature, IReadOnlyList<IReadOnlyDictionary<string, object?>> demos, IReadOnlyDictionary<string, object?> inputs)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(demos);
        ArgumentNullException.ThrowIfNull(inputs);
        var formatted = new List<ChatMessage>(demos.Count * 2);
        AddDemoMessages(formatted, signature, demos);
        return Format(signature, formatted, inputs);
    }

    /// <summary>The messages of one call with demonstrations already formatted (predictors keep theirs between calls).</summary>
    internal IList<ChatMessage> Format(Signature signature, IReadOnlyCollection<ChatMessage> demoMessages, IReadOnlyDictionary<string, object?> inputs)
    {
        var messages = new List<ChatMessage>(demoMessages.Count + 2) { new(ChatRole.System, SystemMessage(signature)) };
        messages.AddRange(demoMessages);
        var request = FormatUserMessage(signature, inputs, mainRequest: true);
        if (request.Length > 0)
        {
            messages.Add(new ChatMessage(ChatRole.User, request));
        }

        return messages;
    }

    /// <summary>The system message for a signature (built once per signature instance, then reused).</summary>
    /// <param name="signature">The signature.</param>
    /// <returns>The message text.</returns>
    public string SystemMessage(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return systemMessages.GetValue(signature, s =>
            FormatFieldDescription(s) + "\n" + FormatFieldStructure(s) + "\n" + FormatTaskDescription(s));
    }

    /// <summary>
    /// Appends the demonstrations as user/assistant pairs: incomplete ones first (marked with
    /// <see cref="IncompleteDemoPrefix"/>), then complete ones, as DSPy does. A demonstration with no input or no output
    /// value is skipped, as DSPy skips it.
    /// </summary>
    /// <param name="messages">The destination.</param>
    /// <param name="signature">The signature.</param>
    /// <param name="demos">The demonstrations.</param>
    public void AddDemoMessages(List<ChatMessage> messages, Signature signature, IReadOnlyList<IReadOnlyDictionary<string, object?>> demos)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(demos);
        if (demos.Count == 0)
        {
            return;
        }

        var complete = new List<IReadOnlyDictionary<string, object?>>();
        var incomplete = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var demo in demos)
        {
            if (signature.Fields.All(f => demo.TryGetValue(f.Name, out var v) && v is not null))
            {
                complete.Add(demo);
            }
            else if (signature.InputFields.Any(f => demo.ContainsKey(f.Name)) && signature.OutputFields.Any(f => demo.ContainsKey(f.Name)))
            {
                incomplete.Add(demo);
            }
        }

        foreach (var demo in incomplete)
        {
            messages.Add(new ChatMessage(ChatRole.User, FormatUserMessage(signature, demo, IncompleteDemoPrefix)));
            messages.Add(new ChatMessage(ChatRole.Assistant, FormatAssistantMessage(signature, demo, MissingFieldMessage)));
        }

        foreach (var demo in complete)
        {
            messages.Add(new ChatMessage(ChatRole.User, FormatUserMessage(signature, demo)));
            messages.Add(new ChatMessage(ChatRole.Assistant, FormatAssistantMessage(signature, demo, MissingFieldMessage)));
        }
    }

    /// <summary>Formats a user turn: the input fields present in <paramref name="inputs"/>, and for the main request the output requirements.</summary>
    /// <param name="signature">The signature.</param>
    /// <param name="inputs">The values by field name (fields absent from it are left out).</param>
    /// <param name="prefix">Text before the fields.</param>
    /// <param name="mainRequest">Whether this is the request itself (which adds the reminder of the output format).</param>
    /// <returns>The message text.</returns>
    public abstract string FormatUserMessage(Signature signature, IReadOnlyDictionary<string, object?> inputs, string prefix = "", bool mainRequest = false);

    /// <summary>Formats an assistant turn holding output values (for demonstrations).</summary>
    /// <param name="signature">The signature.</param>
    /// <param name="outputs">The values by field name.</param>
    /// <param name="missingFieldMessage">The text for an output absent from <paramref name="outputs"/>; <see langword="null"/> writes <c>None</c>.</param>
    /// <returns>The message text.</returns>
    public abstract string FormatAssistantMessage(Signature signature, IReadOnlyDictionary<string, object?> outputs, string? missingFieldMessage = null);

    /// <summary>Formats output values as a reply in this adapter's format, without a signature (used by scripted clients).</summary>
    /// <param name="outputs">The values by field name, in order.</param>
    /// <returns>The reply text.</returns>
    public abstract string FormatReply(IEnumerable<KeyValuePair<string, object?>> outputs);

    /// <summary>Parses a completion into the signature's output values.</summary>
    /// <param name="signature">The signature.</param>
    /// <param name="completion">The model's text.</param>
    /// <returns>The values by output field name, in the shapes of the fields.</returns>
    /// <exception cref="AdapterParseException">An output is missing or malformed; the exception keeps the raw completion.</exception>
    public abstract Dictionary<string, object?> Parse(Signature signature, string completion);

    /// <summary>Adds what this adapter needs to the request options (for example a JSON-schema response format).</summary>
    /// <param name="signature">The signature.</param>
    /// <param name="options">The options of the request.</param>
    public virtual void ConfigureOptions(Signature signature, ChatOptions options)
    {
    }

    /// <summary>DSPy's field lists: "Your input fields are: 1. `q` (str): desc …".</summary>
    /// <param name="signature">The signature.</param>
    /// <returns>The text.</returns>
    protected virtual string FormatFieldDescription(Signature signature) =>
        "Your input fields are:\n" + DescribeFields(signature.InputFields) + "\nYour output fields are:\n" + DescribeFields(signature.OutputFields);

    /// <summary>The part of the system message that shows the structure of inputs and outputs.</summary>
    /// <param name="signature">The signature.</param>
    /// <returns>The text.</returns>
    protected abstract string FormatFieldStructure(Signature signature);

    /// <summary>"In adhering to this structure, your objective is: " and the dedented instructions, each line indented by eight spaces.</summary>
    /// <param name="signature">The signature.</param>
    /// <returns>The text.</returns>
    protected virtual string FormatTaskDescription(Signature signature)
    {
        var sb = new StringBuilder("In adhering to this structure, your objective is: ");
        foreach (var line in SplitLines(Dedent(signature.Instructions)))
        {
            sb.Append('\n').Append(' ', 8).Append(line);
        }

        return sb.ToString();
    }

    /// <summary>The placeholder of a field in the structure section, with DSPy's type note for outputs: <c>{answer}        # note: …</c>.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The text.</returns>
    protected static string Placeholder(Field field)
    {
        var note = TypeNote(field);
        return note.Length == 0 ? "{" + field.Name + "}" : "{" + field.Name + "}        # note: the value you produce " + note;
    }

    /// <summary>DSPy's reminder of an output's type in the request: <c> (must be formatted as a valid Python int)</c>, empty for text.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The text.</returns>
    protected static string TypeReminder(Field field) =>
        field.Shape.Kind == TypeKind.String ? string.Empty : $" (must be formatted as a valid Python {field.Shape.DisplayName})";

    /// <summary>Formats a value as DSPy does for prompts.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    protected static string FormatValue(Field field, object? value) => FieldValueFormatter.Format(field, value);

    /// <summary>Parses one output's text and adds it, wrapping failures in <see cref="AdapterParseException"/>.</summary>
    /// <param name="signature">The signature.</param>
    /// <param name="field">The output field.</param>
    /// <param name="text">The field's text.</param>
    /// <param name="fields">The values parsed so far.</param>
    /// <param name="completion">The raw completion.</param>
    protected void ParseInto(Signature signature, Field field, string text, Dictionary<string, object?> fields, string completion)
    {
        try
        {
            fields[field.Name] = FieldValueParser.Parse(text, field.Shape);
        }
        catch (FormatException ex)
        {
            throw new AdapterParseException(Name, signature, completion,
                $"field '{field.Name}' ({field.Shape.DisplayName}) has the value '{Shorten(text)}', which is not valid: {ex.Message}.", fields, ex);
        }
    }

    /// <summary>Fills absent nullable outputs with null, then fails if any output is still missing.</summary>
    /// <param name="signature">The signature.</param>
    /// <param name="fields">The parsed values.</param>
    /// <param name="completion">The raw completion.</param>
    /// <param name="howToFix">What the reply should have contained.</param>
    /// <returns>The completed values.</returns>
    protected Dictionary<string, object?> Complete(Signature signature, Dictionary<string, object?> fields, string completion, Func<Field, string> howToFix)
    {
        List<Field>? missing = null;
        foreach (var field in signature.OutputFields)
        {
            if (fields.ContainsKey(field.Name))
            {
                continue;
            }

            if (field.Shape.IsNullable)
            {
                fields[field.Name] = null;
            }
            else
            {
                (missing ??= []).Add(field);
            }
        }

        if (missing is not null)
        {
            throw new AdapterParseException(Name, signature, completion,
                $"missing output field(s) {string.Join(", ", missing.Select(f => $"'{f.Name}'"))}; expected {string.Join(", then ", signature.OutputFields.Select(howToFix))}.",
                fields);
        }

        return fields;
    }

    /// <summary>Python's <c>textwrap.dedent</c>: removes the whitespace prefix common to all non-blank lines.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The dedented text.</returns>
    protected static string Dedent(string text)
    {
        var lines = text.Split('\n');
        string? margin = null;
        foreach (var line in lines)
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var indent = line[..(line.Length - line.TrimStart(' ', '\t').Length)];
            if (margin is null || indent.StartsWith(margin, StringComparison.Ordinal))
            {
                margin ??= indent;
            }
            else if (margin.StartsWith(indent, StringComparison.Ordinal))
            {
                margin = indent;
            }
            else
            {
                var common = 0;
                while (common < margin.Length && common < indent.Length && margin[common] == indent[common])
                {
                    common++;
                }

                margin = margin[..common];
            }
        }

        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].Trim().Length == 0 ? lines[i].TrimStart(' ', '\t') : lines[i][(margin?.Length ?? 0)..];
        }

        return string.Join('\n', lines);
    }

    /// <summary>Python's <c>str.splitlines()</c> for <c>\n</c>, <c>\r\n</c> and <c>\r</c>: no empty item after a final line break.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The lines.</returns>
    protected static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\n' or '\r')
            {
                lines.Add(text[start..i]);
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }

    private static string TypeNote(Field field)
    {
        if (field.IsInput)
        {
            return string.Empty;
        }

        var shape = field.Shape;
        return shape.Kind switch
        {
            TypeKind.String => string.Empty,
            TypeKind.Boolean => "must be True or False",
            TypeKind.Integer => "must be a single int value",
            TypeKind.Number or TypeKind.Decimal => "must be a single float value",
            TypeKind.Enum => "must be one of: " + string.Join("; ", shape.Choices),
            TypeKind.Literal => "must exactly match (no extra characters) one of: " + string.Join("; ", shape.Choices),
            _ => "must adhere to the JSON schema: " + PythonJson.Serialize(TypeShapeSchema.ForPrompt(shape)),
        };
    }

    private static string DescribeFields(IReadOnlyList<Field> fields)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (i > 0)
            {
                sb.Append('\n');
            }

            sb.Append(i + 1).Append(". `").Append(field.Name).Append("` (").Append(field.Shape.DisplayName).Append("): ")
                .Append(field.Description ?? string.Empty);
            var constraints = field.Constraints.Describe();
            if (constraints.Length > 0)
            {
                sb.Append("\nConstraints: ").Append(constraints);
            }
        }

        return sb.ToString().Trim();
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
