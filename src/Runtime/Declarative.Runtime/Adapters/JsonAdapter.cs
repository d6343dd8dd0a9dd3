using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Declarative.Values;
using Microsoft.Extensions.AI;

namespace Declarative;

/// <summary>
/// DSPy 3.3's JSONAdapter: the reply is one JSON object holding the output fields. The outputs' strict JSON schema
/// (every field required, <c>additionalProperties: false</c>) is put in <see cref="ChatOptions.ResponseFormat"/>, so that
/// servers with structured outputs enforce it.
/// </summary>
public sealed class JsonAdapter : Adapter
{
    /// <summary>The schema name DSPy uses for structured outputs.</summary>
    public const string SchemaName = "DSPyProgramOutputs";

    private readonly ConditionalWeakTable<Signature, ChatResponseFormat> formats = new();
    private readonly ConditionalWeakTable<Signature, OutputGrammar> grammars = new();

    /// <summary>A shared instance.</summary>
    public static JsonAdapter Default { get; } = new();

    /// <inheritdoc />
    public override string Name => "JsonAdapter";

    /// <inheritdoc />
    public override string FormatUserMessage(Signature signature, IReadOnlyDictionary<string, object?> inputs, string prefix = "", bool mainRequest = false)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(inputs);
        var parts = new List<string> { prefix };
        foreach (var field in signature.InputFields)
        {
            if (inputs.TryGetValue(field.Name, out var value))
            {
                parts.Add($"[[ ## {field.Name} ## ]]\n{FormatValue(field, value)}");
            }
        }

        if (mainRequest)
        {
            parts.Add("Respond with a JSON object in the following order of fields: "
                + string.Join(", then ", signature.OutputFields.Select(f => $"`{f.Name}`{TypeReminder(f)}")) + ".");
        }

        return string.Join("\n\n", parts).Trim();
    }

    /// <inheritdoc />
    public override string FormatAssistantMessage(Signature signature, IReadOnlyDictionary<string, object?> outputs, string? missingFieldMessage = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(outputs);
        return PythonJson.Serialize(
            signature.OutputFields.Select(f => new KeyValuePair<string, object?>(f.Name, outputs.TryGetValue(f.Name, out var v) ? v : missingFieldMessage)).ToList(),
            indent: 2);
    }

    /// <inheritdoc />
    public override string FormatReply(IEnumerable<KeyValuePair<string, object?>> outputs) =>
        PythonJson.Serialize(outputs.ToList(), indent: 2);

    /// <inheritdoc />
    public override Dictionary<string, object?> Parse(Signature signature, string completion)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(completion);
        var obj = LenientJson.ReadObject(completion);
        if (obj is null)
        {
            throw new AdapterParseException(Name, signature, completion,
                $"the reply is not a JSON object; expected an object with the keys {string.Join(", ", signature.OutputFields.Select(f => $"\"{f.Name}\""))}.");
        }

        var fields = new Dictionary<string, object?>(signature.OutputFields.Count, StringComparer.Ordinal);
        foreach (var field in signature.OutputFields)
        {
            if (!obj.TryGetPropertyValue(field.Name, out var node))
            {
                continue;
            }

            try
            {
                fields[field.Name] = node is JsonValue v && v.GetValueKind() == JsonValueKind.String
                    ? FieldValueParser.Parse(v.GetValue<string>(), field.Shape)
                    : FieldValueParser.Convert(node, field.Shape);
            }
            catch (FormatException ex)
            {
                throw new AdapterParseException(Name, signature, completion,
                    $"key '{field.Name}' ({field.Shape.DisplayName}) is not valid: {ex.Message}.", fields, ex);
            }
        }

        return Complete(signature, fields, completion, f => $"the key \"{f.Name}\"");
    }

    /// <inheritdoc />
    public override void ConfigureOptions(Signature signature, ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(options);
        options.ResponseFormat = ResponseFormat(signature);
        (options.AdditionalProperties ??= [])[OptionKeys.Grammar] =
            grammars.GetValue(signature, static s => new OutputGrammar(s, "json", sig => Grammars.SignatureGrammar.ForJson(sig)));
    }

    /// <summary>The structured-output response format of a signature (built once per signature instance).</summary>
    /// <param name="signature">The signature.</param>
    /// <returns>The response format.</returns>
    public ChatResponseFormat ResponseFormat(Signature signature) =>
        formats.GetValue(signature, static s => ChatResponseFormat.ForJsonSchema(
            JsonSerializer.SerializeToElement(TypeShapeSchema.ForOutputs(s)), SchemaName));

    /// <inheritdoc />
    protected override string FormatFieldStructure(Signature signature)
    {
        var parts = new List<string>
        {
            "All interactions will be structured in the following way, with the appropriate values filled in.",
            "Inputs will have the following structure:",
            string.Join("\n\n", signature.InputFields.Select(f => $"[[ ## {f.Name} ## ]]\n{Placeholder(f)}")).Trim(),
            "Outputs will be a JSON object with the following fields.",
            PythonJson.Serialize(signature.OutputFields.Select(f => new KeyValuePair<string, object?>(f.Name, Placeholder(f))).ToList(), indent: 2),
        };
        return string.Join("\n\n", parts).Trim();
    }
}
