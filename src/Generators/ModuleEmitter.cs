using System.Text;
using Declarative.Generators.Model;

namespace Declarative.Generators;

/// <summary>Writes the member discovery and deep copy of a <see cref="ModuleModel"/>, through field accessors (no reflection).</summary>
internal static class ModuleEmitter
{
    public static string Emit(ModuleModel model)
    {
        var code = new StringBuilder();
        var indent = GeneratedFile.Open(code, model.Namespace, nullable: false);

        var body = indent + "    ";
        code.Append(indent).Append("partial class ").AppendLine(model.TypeName);
        code.Append(indent).AppendLine("{");

        code.Append(body).AppendLine("/// <inheritdoc />");
        code.Append(body).AppendLine("protected override global::System.Collections.Generic.IEnumerable<(string Name, object Value)> ModuleMembers()");
        code.Append(body).AppendLine("{");
        if (!model.BaseIsModule)
        {
            code.Append(body).AppendLine("    foreach (var member in base.ModuleMembers())");
            code.Append(body).AppendLine("    {");
            code.Append(body).AppendLine("        yield return member;");
            code.Append(body).AppendLine("    }");
            code.AppendLine();
        }

        for (var i = 0; i < model.Members.Count; i++)
        {
            code.Append(body).Append("    yield return (").Append(SignatureEmitter.Literal(model.Members[i].PromptName)).Append(", DeclarativeMember").Append(i).AppendLine("(this));");
        }

        if (model.Members.Count == 0 && model.BaseIsModule)
        {
            code.Append(body).AppendLine("    yield break;");
        }

        code.Append(body).AppendLine("}");
        code.AppendLine();

        code.Append(body).AppendLine("/// <inheritdoc />");
        code.Append(body).AppendLine("public override global::Declarative.Module Clone()");
        code.Append(body).AppendLine("{");
        code.Append(body).Append("    var copy = (").Append(model.FullyQualifiedName).Append(')').Append(model.BaseIsModule ? "MemberwiseClone()" : "base.Clone()").AppendLine(";");
        for (var i = 0; i < model.Members.Count; i++)
        {
            var member = model.Members[i];
            var field = $"DeclarativeMember{i}(copy)";
            switch (member.Kind)
            {
                case "Single":
                    code.Append(body).Append("    if (").Append(field).Append(" is { } member").Append(i).Append(") ").Append(field)
                        .Append(" = (").Append(member.FieldType).Append(")member").Append(i).AppendLine(".Clone();");
                    break;
                case "Array":
                    code.Append(body).Append("    if (").Append(field).Append(" is { } member").Append(i).Append(") ").Append(field)
                        .Append(" = global::System.Linq.Enumerable.ToArray(global::System.Linq.Enumerable.Select(member").Append(i)
                        .Append(", static item => (").Append(member.ElementType).AppendLine(")item.Clone()));");
                    break;
                case "List":
                case "Interface":
                    code.Append(body).Append("    if (").Append(field).Append(" is { } member").Append(i).Append(") ").Append(field)
                        .Append(" = new global::System.Collections.Generic.List<").Append(member.ElementType)
                        .Append(">(global::System.Linq.Enumerable.Select(member").Append(i)
                        .Append(", static item => (").Append(member.ElementType).AppendLine(")item.Clone()));");
                    break;
                default:
                    code.Append(body).Append("    // ").Append(member.PromptName).AppendLine(": a collection type the copy cannot rebuild; shared with the original.");
                    break;
            }
        }

        code.Append(body).AppendLine("    return copy;");
        code.Append(body).AppendLine("}");
        for (var i = 0; i < model.Members.Count; i++)
        {
            var member = model.Members[i];
            code.AppendLine();
            code.Append(body).Append("[global::System.Runtime.CompilerServices.UnsafeAccessor(global::System.Runtime.CompilerServices.UnsafeAccessorKind.Field, Name = ")
                .Append(SignatureEmitter.Literal(member.FieldName)).AppendLine(")]");
            code.Append(body).Append("private static extern ref ").Append(member.FieldType).Append(" DeclarativeMember").Append(i).Append('(')
                .Append(model.FullyQualifiedName).AppendLine(" module);");
        }

        code.Append(indent).AppendLine("}");
        GeneratedFile.Close(code, model.Namespace);
        return code.ToString();
    }
}
