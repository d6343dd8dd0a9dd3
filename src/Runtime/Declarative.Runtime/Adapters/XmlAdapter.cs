using System.Net;
using System.Text;

namespace Declarative;

/// <summary>
/// DSPy 3.3's XMLAdapter for flat values: each field is wrapped in <c>&lt;name&gt;</c> tags. Records and collections
/// are written inside their tag as JSON (DSPy writes nested XML there; JSON keeps one parser for every adapter).
/// </summary>
public sealed class XmlAdapter : Adapter
{
    /// <summary>A shared instance.</summary>
    public static XmlAdapter Default { get; } = new();

    /// <inheritdoc />
    public override string Name => "XmlAdapter";

    /// <inheritdoc />
    public override string FormatUserMessage(Signature signature, IReadOnlyDictionary<string, object?> inputs, string prefix = "", bool mainRequest = false)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(inputs);
        var fields = signature.InputFields.Where(f => inputs.ContainsKey(f.Name)).Select(f => Tag(f, FormatValue(f, inputs[f.Name])));
        var parts = new List<string> { prefix, string.Join("\n\n", fields).Trim() };
        if (mainRequest)
        {
            parts.Add("Respond with the corresponding output fields wrapped in XML tags "
                + string.Join(", then ", signature.OutputFields.Select(f => $"`<{f.Name}>`")) + ".");
        }

        return string.Join("\n\n", parts).Trim();
    }

    /// <inheritdoc />
    public override string FormatAssistantMessage(Signature signature, IReadOnlyDictionary<string, object?> outputs, string? missingFieldMessage = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(outputs);
        return string.Join("\n\n", signature.OutputFields.Select(f =>
            Tag(f, Escape(f, FormatValue(f, outputs.TryGetValue(f.Name, out var v) ? v : missingFieldMessage))))).Trim();
    }

    /// <inheritdoc />
    public override string FormatReply(IEnumerable<KeyValuePair<string, object?>> outputs) =>
        string.Join("\n\n", outputs.Select(o =>
            $"<{o.Key}>\n{(o.Value is string s ? s : PythonJson.Scalar(o.Value) ?? PythonJson.Serialize(o.Value)).Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)}\n</{o.Key}>"));

    /// <inheritdoc />
    public override Dictionary<string, object?> Parse(Signature signature, string completion)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(completion);
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in signature.OutputFields)
        {
            var open = $"<{field.Name}>";
            var close = $"</{field.Name}>";
            var start = completion.IndexOf(open, StringComparison.Ordinal);
            if (start < 0)
            {
                continue;
            }

            var end = completion.IndexOf(close, start + open.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new AdapterParseException(Name, signature, completion, $"the tag <{field.Name}> is never closed; expected </{field.Name}>.", fields);
            }

            var text = WebUtility.HtmlDecode(completion[(start + open.Length)..end]).Trim();
            ParseInto(signature, field, text, fields, completion);
        }

        return Complete(signature, fields, completion, f => $"<{f.Name}>…</{f.Name}>");
    }

    /// <inheritdoc />
    protected override string FormatFieldStructure(Signature signature)
    {
        var sb = new StringBuilder("All interactions will be structured in the following way, with the appropriate values filled in.");
        sb.Append("\n\n").Append(string.Join("\n\n", signature.InputFields.Select(f => Tag(f, Placeholder(f)))));
        sb.Append("\n\n").Append(string.Join("\n\n", signature.OutputFields.Select(f => Tag(f, Placeholder(f)))));
        return sb.ToString();
    }

    private static string Tag(Field field, string body) => $"<{field.Name}>\n{body}\n</{field.Name}>";

    private static string Escape(Field field, string text) =>
        field.IsOutput && field.Shape.Kind == TypeKind.String
            ? text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            : text;
}
