namespace Declarative.Grammars;

/// <summary>
/// The output grammars of a signature, one per adapter format: the JSON object the JsonAdapter expects (from the
/// outputs' strict JSON schema), and the ChatAdapter's <c>[[ ## field ## ]]</c> sections with each value
/// constrained by its type and the reply ending with <c>[[ ## completed ## ]]</c>.
/// </summary>
public static class SignatureGrammar
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Signature, GeneratedOutputs> Generated = new();

    /// <summary>
    /// Records the outputs the source generator compiled at build time for a signature descriptor, so that
    /// <see cref="ForJson"/>, <see cref="ForChat"/> and <see cref="TypeShapeSchema.ForOutputs"/> read them instead of
    /// compiling. Called by generated code; the texts are what those methods produce for the descriptor, written by
    /// the same compilers linked into the generator.
    /// </summary>
    /// <param name="signature">The generated descriptor.</param>
    /// <param name="outputSchema">The outputs' JSON schema as JSON text, or null to compile it on first use.</param>
    /// <param name="jsonGrammar">The JsonAdapter reply grammar in GBNF, or null to compile it on first use.</param>
    /// <param name="chatGrammar">The ChatAdapter reply grammar in GBNF, or null to compile it on first use.</param>
    /// <returns>The signature.</returns>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static Signature RegisterGenerated(Signature signature, string? outputSchema, string? jsonGrammar, string? chatGrammar)
    {
        if (signature is null)
        {
            throw new ArgumentNullException(nameof(signature));
        }

        lock (Generated)
        {
            Generated.Remove(signature);
            Generated.Add(signature, new GeneratedOutputs(outputSchema, jsonGrammar, chatGrammar));
        }

        return signature;
    }

    /// <summary>The build-time output schema of a generated descriptor, if there is one.</summary>
    internal static string? GeneratedSchema(Signature signature) =>
        Generated.TryGetValue(signature, out var outputs) ? outputs.Schema : null;

    /// <summary>The grammar of a JsonAdapter reply: one JSON object with every output, in order.</summary>
    /// <param name="signature">The signature.</param>
    /// <param name="maxWhitespace">Whitespace allowed between tokens.</param>
    /// <returns>The grammar.</returns>
    public static Grammar ForJson(Signature signature, int maxWhitespace = 0)
    {
        if (signature is null)
        {
            throw new ArgumentNullException(nameof(signature));
        }

        if (maxWhitespace == 0 && Generated.TryGetValue(signature, out var outputs) && outputs.JsonGrammar is { } gbnf)
        {
            return Grammar.ParseGbnf(gbnf);
        }

        return JsonSchemaCompiler.Compile(TypeShapeSchema.ForOutputs(signature), new JsonSchemaCompilerOptions { MaxWhitespace = maxWhitespace, DotNetValues = true }).Grammar;
    }

    /// <summary>
    /// The grammar of a ChatAdapter reply: each output as <c>[[ ## name ## ]]</c>, a newline, its value and a blank
    /// line, in order, then <c>[[ ## completed ## ]]</c>. Text values may span lines but no line of them starts with
    /// <c>[</c>; numbers, booleans (<c>True</c>/<c>False</c>), enums and literals are exact; other values are JSON of
    /// their schema.
    /// </summary>
    /// <param name="signature">The signature.</param>
    /// <returns>The grammar.</returns>
    public static Grammar ForChat(Signature signature)
    {
        if (signature is null)
        {
            throw new ArgumentNullException(nameof(signature));
        }

        if (Generated.TryGetValue(signature, out var outputs) && outputs.ChatGrammar is { } gbnf)
        {
            return Grammar.ParseGbnf(gbnf);
        }

        var rules = new RuleSet();
        rules.Reserve("root");
        var json = new JsonGrammar(rules, dotNetValues: true);
        var parts = new List<GrammarNode>();
        foreach (var field in signature.OutputFields)
        {
            parts.Add(GrammarNode.Literal($"[[ ## {field.Name} ## ]]\n"));
            parts.Add(rules.Define("field-" + field.Name, Value(field, rules, json)));
            parts.Add(GrammarNode.Literal("\n\n"));
        }

        parts.Add(GrammarNode.Literal("[[ ## completed ## ]]"));
        rules.Define("root", GrammarNode.Seq(parts));
        return rules.ToGrammar("root");
    }

    private static GrammarNode Value(Field field, RuleSet rules, JsonGrammar json)
    {
        var shape = field.Shape;
        var nullable = shape.IsNullable;
        var inner = shape.NonNullable;
        GrammarNode node = inner.Kind switch
        {
            TypeKind.String when field.Constraints.IsEmpty => rules.GetOrDefine("chat-text", () => Text()),
            TypeKind.String when field.Constraints.Pattern is { } pattern => RegexCompiler.CompileSearch(pattern),
            TypeKind.String => GrammarNode.Repeat(GrammarNode.NotClass([]), field.Constraints.MinLength ?? 0, field.Constraints.MaxLength),
            TypeKind.Boolean => GrammarNode.Choice(GrammarNode.Literal("True"), GrammarNode.Literal("False")),
            TypeKind.Enum or TypeKind.Literal => GrammarNode.Choice(inner.Choices.Select(GrammarNode.Literal)),

            // Written as their text, without JSON quotes, as Python's str() writes them.
            TypeKind.DateTime => RegexCompiler.CompileFull(JsonSchemaCompiler.DotNetDateTime),
            TypeKind.DateOnly => RegexCompiler.CompileFull(JsonSchemaCompiler.Formats["date"]),
            TypeKind.TimeOnly => RegexCompiler.CompileFull("([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,7})?)?"),
            TypeKind.Guid => RegexCompiler.CompileFull(JsonSchemaCompiler.Formats["uuid"]),
            _ => JsonValue(field, rules),
        };
        return nullable ? GrammarNode.Choice(node, GrammarNode.Literal("None")) : node;
    }

    private static GrammarNode JsonValue(Field field, RuleSet rules)
    {
        // The value's own JSON schema, compiled into this grammar's rules under a prefix.
        var schema = TypeShapeSchema.ForValue(field.Shape.NonNullable, field.Constraints);
        var compiled = JsonSchemaCompiler.Compile(schema, new JsonSchemaCompilerOptions { MaxWhitespace = ChatJsonWhitespace, DotNetValues = true }).Grammar;
        var prefix = "value-" + field.Name + "-";
        foreach (var rule in compiled.RuleList)
        {
            rules.Define(prefix + rule.Key, Rename(rule.Value, prefix));
        }

        return GrammarNode.Ref(prefix + compiled.Root);
    }

    /// <summary>Whitespace allowed between JSON tokens of a chat value (DSPy writes <c>", "</c> and <c>": "</c>).</summary>
    private const int ChatJsonWhitespace = 4;

    private static GrammarNode Rename(GrammarNode node, string prefix) => node switch
    {
        RuleRefNode r => GrammarNode.Ref(prefix + r.Name),
        SequenceNode s => GrammarNode.Seq(s.Items.Select(i => Rename(i, prefix))),
        ChoiceNode c => GrammarNode.Choice(c.Alternatives.Select(a => Rename(a, prefix))),
        RepeatNode rep => GrammarNode.Repeat(Rename(rep.Item, prefix), rep.Min, rep.Max),
        _ => node,
    };

    /// <summary>Text whose lines (after the first) never start with '['; it cannot forge a section header.</summary>
    private static GrammarNode Text()
    {
        var lineRest = GrammarNode.Star(GrammarNode.NotClass([new CodePointRange('\n', '\n')]));
        var firstChar = GrammarNode.NotClass([new CodePointRange('\n', '\n'), new CodePointRange('[', '[')]);
        var line = GrammarNode.Optional(GrammarNode.Seq(firstChar, lineRest));
        return GrammarNode.Seq(line, GrammarNode.Star(GrammarNode.Seq(GrammarNode.Literal("\n"), line)));
    }

    private sealed class GeneratedOutputs(string? schema, string? jsonGrammar, string? chatGrammar)
    {
        public string? Schema { get; } = schema;

        public string? JsonGrammar { get; } = jsonGrammar;

        public string? ChatGrammar { get; } = chatGrammar;
    }
}
