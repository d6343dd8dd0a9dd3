using System.Globalization;
using System.Text;
using Declarative.Generators.Model;

namespace Declarative.Generators;

/// <summary>Writes the code of a <see cref="SignatureModel"/>: the descriptor and its registration.</summary>
internal static class SignatureEmitter
{
    public static string Emit(SignatureModel model, bool accessors)
    {
        // Collection factories need only the runtime; accessors for the typed binding: classes only, and only when every
        // output can be written.
        var collections = accessors ? Collections(model.Fields.Select(f => f.Shape)).ToList() : [];
        accessors = accessors && model.IsClass && model.Fields.Where(f => !f.IsInput).All(f => f.HasSetter);
        var code = new StringBuilder();
        var indent = GeneratedFile.Open(code, model.Namespace, nullable: true);

        code.Append(indent).Append("partial ").Append(model.TypeKeyword).Append(' ').AppendLine(model.TypeName);
        code.Append(indent).AppendLine("{");
        var body = indent + "    ";
        code.Append(body).Append("/// <summary>The signature of <see cref=\"").Append(model.TypeName).AppendLine("\"/>, compiled at build time (what <c>Signature.For</c> returns for this type).</summary>");
        code.Append(body).AppendLine("public static global::Declarative.Signature DeclarativeSignature => DeclarativeSignatureHolder.Value;");
        code.AppendLine();
        code.Append(body).AppendLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
        if (!accessors && collections.Count == 0)
        {
            code.Append(body).Append("internal static void RegisterDeclarativeSignature() => global::Declarative.Signature.Register(typeof(")
                .Append(model.FullyQualifiedName).AppendLine("), DeclarativeSignature);");
        }
        else if (!accessors)
        {
            code.Append(body).AppendLine("internal static void RegisterDeclarativeSignature()");
            code.Append(body).AppendLine("{");
            code.Append(body).Append("    global::Declarative.Signature.Register(typeof(").Append(model.FullyQualifiedName).AppendLine("), DeclarativeSignature);");
            EmitCollections(code, body + "    ", collections);
            code.Append(body).AppendLine("}");
        }
        else
        {
            var type = model.FullyQualifiedName;
            code.Append(body).AppendLine("internal static void RegisterDeclarativeSignature()");
            code.Append(body).AppendLine("{");
            code.Append(body).Append("    global::Declarative.Signature.Register(typeof(").Append(type).AppendLine("), DeclarativeSignature);");
            code.Append(body).Append("    global::Declarative.SignatureAccessors.Register<").Append(type).AppendLine(">(");
            code.Append(body).Append("        new global::System.Collections.Generic.Dictionary<string, global::System.Func<").Append(type).AppendLine(", object?>>");
            code.Append(body).AppendLine("        {");
            foreach (var field in model.Fields.Where(f => f.IsInput))
            {
                code.Append(body).Append("            [").Append(Literal(field.Name)).Append("] = static value => value.").Append(field.MemberName).AppendLine(",");
            }

            code.Append(body).AppendLine("        },");
            code.Append(body).Append("        new global::System.Collections.Generic.Dictionary<string, global::System.Action<").Append(type).AppendLine(", object?>>");
            code.Append(body).AppendLine("        {");
            var index = 0;
            foreach (var field in model.Fields.Where(f => !f.IsInput))
            {
                code.Append(body).Append("            [").Append(Literal(field.Name)).Append("] = static (value, field) => DeclarativeSet").Append(index++)
                    .Append("(value, (").Append(field.PropertyType).AppendLine(")field!),");
            }

            code.Append(body).AppendLine("        },");
            code.Append(body).Append("        static value => (").Append(type).AppendLine(")value.MemberwiseClone());");
            var factories = Objects(model.Fields.Select(f => f.Shape)).Where(CanCreate).ToList();
            var setterIndex = 0;
            var setters = new List<(string Owner, PropertyModel Property, int Index)>();
            foreach (var shape in factories)
            {
                code.Append(body).Append("    global::Declarative.SignatureAccessors.RegisterFactory(typeof(").Append(shape.ClrType).AppendLine("), static values =>");
                code.Append(body).AppendLine("    {");
                var parameters = shape.Constructor is { Length: > 0 } list ? list.Split(',') : [];
                var assigned = new HashSet<string>(StringComparer.Ordinal);
                var arguments = parameters.Select(parameter =>
                {
                    var property = shape.Properties.First(p => string.Equals(p.MemberName, parameter, StringComparison.OrdinalIgnoreCase));
                    assigned.Add(property.MemberName);
                    return Value(property);
                });
                code.Append(body).Append("        var created = ").Append(shape.Constructor is null
                    ? $"({shape.ClrType})global::System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof({shape.ClrType}))"
                    : $"new {shape.ClrType}({string.Join(", ", arguments)})").AppendLine(";");
                foreach (var property in shape.Properties.Where(p => !assigned.Contains(p.MemberName)))
                {
                    setters.Add((shape.ClrType!, property, setterIndex));
                    code.Append(body).Append("        DeclarativeInit").Append(setterIndex++).Append("(created, ").Append(Value(property)).AppendLine(");");
                }

                code.Append(body).AppendLine("        return created;");
                code.Append(body).AppendLine("    });");
            }

            EmitCollections(code, body + "    ", collections);
            code.Append(body).AppendLine("}");
            foreach (var (owner, property, i) in setters)
            {
                code.AppendLine();
                code.Append(body).Append("[global::System.Runtime.CompilerServices.UnsafeAccessor(global::System.Runtime.CompilerServices.UnsafeAccessorKind.Method, Name = ")
                    .Append(Literal("set_" + property.MemberName)).AppendLine(")]");
                code.Append(body).Append("private static extern void DeclarativeInit").Append(i).Append('(').Append(owner).Append(" target, ")
                    .Append(property.PropertyType).AppendLine(" value);");
            }

            index = 0;
            foreach (var field in model.Fields.Where(f => !f.IsInput))
            {
                code.AppendLine();
                code.Append(body).Append("[global::System.Runtime.CompilerServices.UnsafeAccessor(global::System.Runtime.CompilerServices.UnsafeAccessorKind.Method, Name = ")
                    .Append(Literal("set_" + field.MemberName)).AppendLine(")]");
                code.Append(body).Append("private static extern void DeclarativeSet").Append(index++).Append('(').Append(type).Append(" value, ")
                    .Append(field.PropertyType).AppendLine(" field);");
            }
        }

        code.AppendLine();
        code.Append(body).AppendLine("private static class DeclarativeSignatureHolder");
        code.Append(body).AppendLine("{");
        var inner = body + "    ";
        code.Append(inner).AppendLine("internal static readonly global::Declarative.Signature Value = global::Declarative.Grammars.SignatureGrammar.RegisterGenerated(");
        code.Append(inner).AppendLine("    new global::Declarative.Signature(");
        code.Append(inner).Append("        ").Append(Literal(model.SignatureName)).AppendLine(",");
        code.Append(inner).AppendLine("        new global::Declarative.Field[]");
        code.Append(inner).AppendLine("        {");
        foreach (var field in model.Fields)
        {
            code.Append(inner).Append("            ").Append(Field(field, model.FullyQualifiedName)).AppendLine(",");
        }

        code.Append(inner).AppendLine("        },");
        code.Append(inner).Append("        ").Append(model.Instructions is null ? "null" : Literal(model.Instructions)).AppendLine("),");
        code.Append(inner).AppendLine("    OutputSchema,");
        code.Append(inner).AppendLine("    JsonGrammar,");
        code.Append(inner).AppendLine("    ChatGrammar);");

        // The outputs compiled at build time by the run-time compilers (linked into the generator).
        var outputs = OutputConstants.For(model);
        if (outputs.Notes is not null)
        {
            code.AppendLine();
            code.Append(inner).Append("// ").AppendLine(outputs.Notes.Replace('\r', ' ').Replace('\n', ' '));
        }

        Constant(code, inner, "OutputSchema", "The outputs' JSON schema (what the JsonAdapter sends as the response format).", outputs.Schema);
        Constant(code, inner, "JsonGrammar", "The grammar of a JsonAdapter reply, in GBNF.", outputs.JsonGrammar);
        Constant(code, inner, "ChatGrammar", "The grammar of a ChatAdapter reply, in GBNF.", outputs.ChatGrammar);
        code.Append(body).AppendLine("}");
        code.Append(indent).AppendLine("}");
        GeneratedFile.Close(code, model.Namespace);
        return code.ToString();
    }

    /// <summary>Every distinct list and dictionary type reachable from these shapes (through nullables, elements and properties).</summary>
    private static IEnumerable<ShapeModel> Collections(IEnumerable<ShapeModel> shapes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<ShapeModel>(shapes.Reverse());
        while (pending.Count > 0)
        {
            var shape = pending.Pop();
            if (shape.Kind is "List" or "Dictionary" or "Object" && shape.ClrType is { } clr && !seen.Add(shape.Kind + ":" + clr))
            {
                continue;
            }

            if (shape.Kind is "List" or "Dictionary" && shape.ClrType is not null)
            {
                yield return shape;
            }

            if (shape.Element is { } element)
            {
                pending.Push(element);
            }

            foreach (var property in shape.Properties.Reverse())
            {
                pending.Push(property.Shape);
            }
        }
    }

    /// <summary>
    /// Registers a factory for each collection type whose construction is known (arrays, lists, sets, dictionaries keyed
    /// by string, and the interfaces they implement); other collection types keep the run-time path.
    /// </summary>
    private static void EmitCollections(StringBuilder code, string indent, List<ShapeModel> collections)
    {
        const string Generic = "global::System.Collections.Generic.";
        foreach (var shape in collections)
        {
            var type = shape.ClrType!;
            var element = shape.Element?.ClrType;
            if (element is null || element.EndsWith("]", StringComparison.Ordinal))
            {
                continue;
            }

            string? build = null;
            if (shape.Kind == "Dictionary")
            {
                if (StartsWithAny(type, Generic, "Dictionary<string, ", "IDictionary<string, ", "IReadOnlyDictionary<string, "))
                {
                    build = $"global::Declarative.SignatureAccessors.RegisterDictionaryFactory(typeof({type}), static entries => {{ var built = new {Generic}Dictionary<string, {element}>(entries.Count); foreach (var entry in entries) {{ built[entry.Key] = ({element})entry.Value!; }} return built; }});";
                }
            }
            else if (type == element + "[]")
            {
                build = $"global::Declarative.SignatureAccessors.RegisterListFactory(typeof({type}), static items => {{ var built = new {element}[items.Count]; for (var i = 0; i < built.Length; i++) {{ built[i] = ({element})items[i]!; }} return built; }});";
            }
            else if (StartsWithAny(type, Generic, "List<", "IList<", "IReadOnlyList<", "IEnumerable<", "ICollection<", "IReadOnlyCollection<"))
            {
                build = $"global::Declarative.SignatureAccessors.RegisterListFactory(typeof({type}), static items => {{ var built = new {Generic}List<{element}>(items.Count); foreach (var item in items) {{ built.Add(({element})item!); }} return built; }});";
            }
            else if (StartsWithAny(type, Generic, "HashSet<", "ISet<", "IReadOnlySet<"))
            {
                build = $"global::Declarative.SignatureAccessors.RegisterListFactory(typeof({type}), static items => {{ var built = new {Generic}HashSet<{element}>(); foreach (var item in items) {{ built.Add(({element})item!); }} return built; }});";
            }

            if (build is not null)
            {
                code.Append(indent).AppendLine(build);
            }
        }
    }

    private static bool StartsWithAny(string type, string prefix, params string[] names) =>
        names.Any(name => type.StartsWith(prefix + name, StringComparison.Ordinal));

    private static void Constant(StringBuilder code, string indent, string name, string summary, string? value)
    {
        code.AppendLine();
        code.Append(indent).Append("/// <summary>").Append(summary).AppendLine("</summary>");
        code.Append(indent).Append("internal const string? ").Append(name).Append(" = ").Append(value is null ? "null" : Literal(value)).AppendLine(";");
    }

    /// <summary>Every distinct record or class reachable from these shapes (through lists, dictionaries, nullables and properties).</summary>
    private static IEnumerable<ShapeModel> Objects(IEnumerable<ShapeModel> shapes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<ShapeModel>(shapes);
        while (pending.Count > 0)
        {
            var shape = pending.Pop();
            if (shape.Element is not null)
            {
                pending.Push(shape.Element);
            }

            if (shape.Kind == "Object" && shape.ClrType is not null && seen.Add(shape.ClrType))
            {
                yield return shape;
                foreach (var property in shape.Properties)
                {
                    pending.Push(property.Shape);
                }
            }
        }
    }

    /// <summary>Whether a factory can be generated: a class whose properties are all constructor parameters or settable.</summary>
    private static bool CanCreate(ShapeModel shape)
    {
        if (!shape.IsClass)
        {
            return false;
        }

        var parameters = shape.Constructor is { Length: > 0 } list ? list.Split(',') : [];
        return shape.Properties.All(p => p.HasSetter || parameters.Any(n => string.Equals(n, p.MemberName, StringComparison.OrdinalIgnoreCase)));
    }

    private static string Value(PropertyModel property) => $"({property.PropertyType})values[{Literal(property.Name)}]!";

    private static string Field(FieldModel field, string owner)
    {
        var code = new StringBuilder();
        code.Append("new global::Declarative.Field(").Append(Literal(field.Name)).Append(", global::Declarative.FieldRole.")
            .Append(field.IsInput ? "Input" : "Output").Append(", ").Append(Shape(field.Shape)).Append(") { ");
        code.Append("MemberName = ").Append(Literal(field.MemberName));
        if (field.Description is not null)
        {
            code.Append(", Description = ").Append(Literal(field.Description));
        }

        if (Constraints(field.Constraints) is { } constraints)
        {
            code.Append(", Constraints = ").Append(constraints);
        }

        if (field.Prefix is not null)
        {
            code.Append(", Prefix = ").Append(Literal(field.Prefix));
        }

        if (field.Untrusted)
        {
            code.Append(", Untrusted = true");
        }

        return code.Append(" }").ToString();
    }

    private static string Shape(ShapeModel shape) => shape.Kind switch
    {
        "Scalar" => $"global::Declarative.TypeShape.Scalar(global::Declarative.TypeKind.{shape.ScalarKind}, typeof({shape.ClrType}))",
        "Nullable" => $"global::Declarative.TypeShape.Nullable({Shape(shape.Element!)}{TypeOf(shape.ClrType)})",
        "List" => $"global::Declarative.TypeShape.List({Shape(shape.Element!)}{TypeOf(shape.ClrType)})",
        "Dictionary" => $"global::Declarative.TypeShape.Dictionary({Shape(shape.Element!)}{TypeOf(shape.ClrType)})",
        "Literal" => $"global::Declarative.TypeShape.Literal(new string[] {{ {string.Join(", ", shape.Choices.Select(Literal))} }})",
        "Enum" => $"global::Declarative.TypeShape.Enum({Literal(shape.Name!)}, new string[] {{ {string.Join(", ", shape.Choices.Select(Literal))} }}, typeof({shape.ClrType}))",
        "Object" => $"global::Declarative.TypeShape.Object({Literal(shape.Name!)}, new global::Declarative.PropertyShape[] {{ {string.Join(", ", shape.Properties.Select(p => Property(p, shape.ClrType!)))} }}, typeof({shape.ClrType}))",
        _ => throw new InvalidOperationException("unknown shape " + shape.Kind),
    };

    private static string Property(PropertyModel property, string owner)
    {
        var code = new StringBuilder();
        code.Append("new global::Declarative.PropertyShape(").Append(Literal(property.Name)).Append(", ").Append(Shape(property.Shape)).Append(") { ");
        code.Append("IsRequired = ").Append(property.IsRequired ? "true" : "false");
        code.Append(", Member = typeof(").Append(owner).Append(").GetProperty(").Append(Literal(property.MemberName)).Append(')');
        if (property.Description is not null)
        {
            code.Append(", Description = ").Append(Literal(property.Description));
        }

        if (Constraints(property.Constraints) is { } constraints)
        {
            code.Append(", Constraints = ").Append(constraints);
        }

        return code.Append(" }").ToString();
    }

    private static string? Constraints(ConstraintsModel constraints)
    {
        if (constraints == ConstraintsModel.None)
        {
            return null;
        }

        var parts = new List<string>();
        if (constraints.Minimum is { } min)
        {
            parts.Add("Minimum = " + Double(min));
        }

        if (constraints.MinimumIsExclusive)
        {
            parts.Add("MinimumIsExclusive = true");
        }

        if (constraints.Maximum is { } max)
        {
            parts.Add("Maximum = " + Double(max));
        }

        if (constraints.MaximumIsExclusive)
        {
            parts.Add("MaximumIsExclusive = true");
        }

        if (constraints.MinLength is { } minLength)
        {
            parts.Add("MinLength = " + minLength.ToString(CultureInfo.InvariantCulture));
        }

        if (constraints.MaxLength is { } maxLength)
        {
            parts.Add("MaxLength = " + maxLength.ToString(CultureInfo.InvariantCulture));
        }

        if (constraints.Pattern is not null)
        {
            parts.Add("Pattern = " + Literal(constraints.Pattern));
        }

        if (constraints.AllowedValues is { } allowed)
        {
            parts.Add("AllowedValues = new string[] { " + string.Join(", ", allowed.Select(Literal)) + " }");
        }

        return "new global::Declarative.FieldConstraints { " + string.Join(", ", parts) + " }";
    }

    private static string TypeOf(string? clrType) => clrType is null ? string.Empty : $", typeof({clrType})";

    private static string Double(double value) =>
        double.IsPositiveInfinity(value) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(value) ? "double.NegativeInfinity"
        : double.IsNaN(value) ? "double.NaN"
        : value.ToString("R", CultureInfo.InvariantCulture) + "d";

    /// <summary>A C# string literal of the text (verbatim-safe: every character that needs it escaped).</summary>
    public static string Literal(string text)
    {
        var code = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': code.Append("\\\""); break;
                case '\\': code.Append("\\\\"); break;
                case '\n': code.Append("\\n"); break;
                case '\r': code.Append("\\r"); break;
                case '\t': code.Append("\\t"); break;
                case '\0': code.Append("\\0"); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\u0085')
                    {
                        code.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        code.Append(c);
                    }

                    break;
            }
        }

        return code.Append('"').ToString();
    }
}
