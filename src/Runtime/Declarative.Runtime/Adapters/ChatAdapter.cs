using System.Text;

namespace Declarative;

/// <summary>
/// The default adapter: DSPy 3.3's ChatAdapter, byte for byte. Inputs and outputs are sections headed
/// <c>[[ ## name ## ]]</c>, and a reply ends with <c>[[ ## completed ## ]]</c>.
/// </summary>
/// <remarks>
/// When a reply cannot be parsed, <see cref="Predict"/> retries the call once through <see cref="JsonAdapter"/>, as DSPy
/// does, unless <see cref="UseJsonFallback"/> is off; the trace records the fallback.
/// </remarks>
public sealed class ChatAdapter : Adapter
{
    /// <summary>The marker that ends a reply.</summary>
    public const string CompletedMarker = "[[ ## completed ## ]]";

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Signature, string> requirements = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Signature, OutputGrammar> grammars = new();

    /// <summary>A shared instance with the default settings.</summary>
    public static ChatAdapter Default { get; } = new();

    /// <summary>Whether an unparseable reply is retried once through <see cref="JsonAdapter"/> (default <see langword="true"/>).</summary>
    public bool UseJsonFallback { get; init; } = true;

    /// <inheritdoc />
    public override string Name => "ChatAdapter";

    /// <inheritdoc />
    public override string FormatUserMessage(Signature signature, IReadOnlyDictionary<string, object?> inputs, string prefix = "", bool mainRequest = false)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(inputs);
        var sb = new StringBuilder(256);
        sb.Append(prefix);
        foreach (var field in signature.InputFields)
        {
            if (inputs.TryGetValue(field.Name, out var value))
            {
                sb.Append("\n\n[[ ## ").Append(field.Name).Append(" ## ]]\n").Append(FormatValue(field, value));
            }
        }

        if (mainRequest)
        {
            sb.Append("\n\n").Append(requirements.GetValue(signature, OutputRequirements));
        }

        return TrimToString(sb);
    }

    /// <inheritdoc />
    public override string FormatAssistantMessage(Signature signature, IReadOnlyDictionary<string, object?> outputs, string? missingFieldMessage = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(outputs);
        var sb = new StringBuilder(128);
        foreach (var field in signature.OutputFields)
        {
            var value = outputs.TryGetValue(field.Name, out var v) ? v : missingFieldMessage;
            sb.Append("\n\n[[ ## ").Append(field.Name).Append(" ## ]]\n").Append(FormatValue(field, value));
        }

        return TrimToString(sb) + "\n\n" + CompletedMarker + "\n";
    }

    /// <inheritdoc />
    public override string FormatReply(IEnumerable<KeyValuePair<string, object?>> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var sb = new StringBuilder();
        foreach (var (name, value) in outputs)
        {
            sb.Append("[[ ## ").Append(name).Append(" ## ]]\n")
                .Append(value is string s ? s : PythonJson.Scalar(value) ?? PythonJson.Serialize(value)).Append("\n\n");
        }

        return sb.Append(CompletedMarker).Append('\n').ToString();
    }

    /// <inheritdoc />
    public override void ConfigureOptions(Signature signature, Microsoft.Extensions.AI.ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[OptionKeys.Grammar] =
            grammars.GetValue(signature, static s => new OutputGrammar(s, "chat", Grammars.SignatureGrammar.ForChat));
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> Parse(Signature signature, string completion)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(completion);
        var fields = new Dictionary<string, object?>(signature.OutputFields.Count, StringComparer.Ordinal);
        string? header = null;
        var lines = new List<string>();
        void Close()
        {
            if (header is not null && !fields.ContainsKey(header) && signature.TryGetField(header, out var field) && field.IsOutput)
            {
                ParseInto(signature, field, string.Join('\n', lines).Trim(), fields, completion);
            }
        }

        foreach (var line in SplitLines(completion))
        {
            if (MatchHeader(line.Trim(), out var name, out var rest))
            {
                Close();
                header = name;
                lines.Clear();
                var remaining = rest.Trim();
                if (remaining.Length > 0)
                {
                    lines.Add(remaining);
                }
            }
            else
            {
                lines.Add(line);
            }
        }

        Close();
        return Complete(signature, fields, completion, f => $"a section '[[ ## {f.Name} ## ]]'");
    }

    /// <summary>Matches <c>[[ ## name ## ]]</c> at the start of a line (the name made of word characters).</summary>
    private static bool MatchHeader(string line, out string name, out string rest)
    {
        name = rest = string.Empty;
        if (!line.StartsWith("[[ ## ", StringComparison.Ordinal))
        {
            return false;
        }

        var i = 6;
        while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] == '_'))
        {
            i++;
        }

        if (i == 6 || string.CompareOrdinal(line, i, " ## ]]", 0, 6) != 0)
        {
            return false;
        }

        name = line[6..i];
        rest = line[(i + 6)..];
        return true;
    }

    /// <inheritdoc />
    protected override string FormatFieldStructure(Signature signature)
    {
        var sb = new StringBuilder("All interactions will be structured in the following way, with the appropriate values filled in.");
        AppendSections(sb, signature.InputFields);
        AppendSections(sb, signature.OutputFields);
        sb.Append("\n\n").Append(CompletedMarker);
        return sb.ToString();
    }

    private static void AppendSections(StringBuilder sb, IReadOnlyList<Field> fields)
    {
        var part = new StringBuilder();
        foreach (var field in fields)
        {
            part.Append("\n\n[[ ## ").Append(field.Name).Append(" ## ]]\n").Append(Placeholder(field));
        }

        sb.Append("\n\n").Append(part.ToString().Trim());
    }

    private static string OutputRequirements(Signature signature)
    {
        var sb = new StringBuilder("Respond with the corresponding output fields, starting with the field ");
        for (var i = 0; i < signature.OutputFields.Count; i++)
        {
            var field = signature.OutputFields[i];
            if (i > 0)
            {
                sb.Append(", then ");
            }

            sb.Append("`[[ ## ").Append(field.Name).Append(" ## ]]`").Append(TypeReminder(field));
        }

        return sb.Append(", and then ending with the marker for `[[ ## completed ## ]]`.").ToString();
    }

    private static string TrimToString(StringBuilder sb)
    {
        var start = 0;
        while (start < sb.Length && char.IsWhiteSpace(sb[start]))
        {
            start++;
        }

        var end = sb.Length;
        while (end > start && char.IsWhiteSpace(sb[end - 1]))
        {
            end--;
        }

        return sb.ToString(start, end - start);
    }
}
