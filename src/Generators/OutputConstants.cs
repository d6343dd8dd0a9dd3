using System.Runtime.CompilerServices;
using Declarative.Generators.Model;
using Declarative.Grammars;

namespace Declarative.Generators;

/// <summary>
/// The output JSON schema and the output grammars (JsonAdapter and ChatAdapter formats, as GBNF) of a signature,
/// computed at build time by the run-time compilers (linked into the generator), so the application loads them
/// instead of compiling them on first use.
/// </summary>
/// <param name="Schema">The outputs' JSON schema as JSON text, or null.</param>
/// <param name="JsonGrammar">The JsonAdapter reply grammar as GBNF, or null.</param>
/// <param name="ChatGrammar">The ChatAdapter reply grammar as GBNF, or null.</param>
/// <param name="Notes">Why an output is null (it is then compiled at run time, which reports the same error).</param>
internal sealed record OutputConstants(string? Schema, string? JsonGrammar, string? ChatGrammar, string? Notes)
{
    /// <summary>Computes the outputs of a signature; never throws (what cannot be computed is left to run time).</summary>
    public static OutputConstants For(SignatureModel model)
    {
        try
        {
            return Compute(model);
        }
        catch (Exception ex)
        {
            // Also a host without System.Text.Json: the descriptor is still emitted and the run time compiles these.
            return new OutputConstants(null, null, null, "not computed at build time (" + ex.GetType().Name + ": " + ex.Message + ")");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static OutputConstants Compute(SignatureModel model)
    {
        var signature = ToSignature(model);
        var notes = new List<string>();
        var schema = Try(() => TypeShapeSchema.ForOutputs(signature).ToJsonString(), "output schema", notes);
        var json = Try(() => SignatureGrammar.ForJson(signature).ToGbnf(), "JsonAdapter grammar", notes);
        var chat = Try(() => SignatureGrammar.ForChat(signature).ToGbnf(), "ChatAdapter grammar", notes);
        return new OutputConstants(schema, json, chat, notes.Count == 0 ? null : string.Join("; ", notes));
    }

    private static string? Try(Func<string> compute, string what, List<string> notes)
    {
        try
        {
            return compute();
        }
        catch (Exception ex) when (ex is GrammarException or JsonSchemaCompileException or SignatureException)
        {
            notes.Add("the " + what + " is compiled at run time: " + ex.Message);
            return null;
        }
    }

    /// <summary>The descriptor the emitted code builds, built here from the same model (without CLR types).</summary>
    public static Signature ToSignature(SignatureModel model) =>
        new(model.SignatureName, model.Fields.Select(ToField), model.Instructions);

    private static Field ToField(FieldModel field) =>
        new(field.Name, field.IsInput ? FieldRole.Input : FieldRole.Output, ToShape(field.Shape))
        {
            MemberName = field.MemberName,
            Description = field.Description,
            Constraints = ToConstraints(field.Constraints),
            Prefix = field.Prefix!, // null keeps the inferred prefix, as the emitted code does by leaving it unset
            Untrusted = field.Untrusted,
        };

    /// <summary>The CLR type of an integer narrower than <see cref="long"/> (its bounds go into the schema, as at run time), else null.</summary>
    private static Type? NarrowInteger(string? clrName) => clrName?.Replace("global::System.", string.Empty) switch
    {
        "int" or "Int32" => typeof(int),
        "uint" or "UInt32" => typeof(uint),
        "short" or "Int16" => typeof(short),
        "ushort" or "UInt16" => typeof(ushort),
        "sbyte" or "SByte" => typeof(sbyte),
        "byte" or "Byte" => typeof(byte),
        "ulong" or "UInt64" => typeof(ulong),
        _ => null,
    };

    private static TypeShape ToShape(ShapeModel shape) => shape.Kind switch
    {
        "Scalar" => TypeShape.Scalar((TypeKind)Enum.Parse(typeof(TypeKind), shape.ScalarKind!), NarrowInteger(shape.ClrType)),
        "Nullable" => TypeShape.Nullable(ToShape(shape.Element!)),
        "List" => TypeShape.List(ToShape(shape.Element!)),
        "Dictionary" => TypeShape.Dictionary(ToShape(shape.Element!)),
        "Literal" => TypeShape.Literal(shape.Choices),
        "Enum" => TypeShape.Enum(shape.Name!, shape.Choices),
        "Object" => TypeShape.Object(shape.Name!, shape.Properties.Select(ToProperty)),
        _ => throw new InvalidOperationException("unknown shape " + shape.Kind),
    };

    private static PropertyShape ToProperty(PropertyModel property) =>
        new(property.Name, ToShape(property.Shape))
        {
            IsRequired = property.IsRequired,
            Description = property.Description,
            Constraints = ToConstraints(property.Constraints),
        };

    private static FieldConstraints ToConstraints(ConstraintsModel constraints) =>
        constraints == ConstraintsModel.None
            ? FieldConstraints.None
            : new FieldConstraints
            {
                Minimum = constraints.Minimum,
                MinimumIsExclusive = constraints.MinimumIsExclusive,
                Maximum = constraints.Maximum,
                MaximumIsExclusive = constraints.MaximumIsExclusive,
                MinLength = constraints.MinLength,
                MaxLength = constraints.MaxLength,
                Pattern = constraints.Pattern,
                AllowedValues = constraints.AllowedValues is { } allowed ? allowed.ToArray() : null,
            };
}
