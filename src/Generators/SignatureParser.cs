using System.Globalization;
using System.Threading;
using Declarative.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators;

using TypeKind = Microsoft.CodeAnalysis.TypeKind;

/// <summary>
/// Reads a <c>[Signature]</c> type into a <see cref="SignatureModel"/> by the run-time model's rules
/// (<c>Signature.For&lt;T&gt;()</c>). Returns null for what it does not take on (the type then keeps the run-time
/// reflection path): invalid signatures (the analyzer reports them), nested or generic types, fields declared in a
/// base type, and recursive records.
/// </summary>
internal static class SignatureParser
{
    public static SignatureModel? Parse(INamedTypeSymbol type, CancellationToken cancellationToken, HashSet<SyntaxTree>? dependencies = null)
    {
        // The trees of the source types read (for ModelCache): the signature type, its bases and its fields' types.
        SignatureParser.dependencies = dependencies;
        AddDependency(type);
        // Types are recognized by name, not looked up in the compilation: a lookup indexes every referenced assembly,
        // which would cost each incremental run as much as a full one.
        var known = Names.Instance;
        clrNames?.Clear();
        if (type.ContainingType is not null || type.IsGenericType || type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            return null;
        }

        // Allocations here are paid again on every compilation change (and the GC they bring with them): loops, not LINQ.
        TypeDeclarationSyntax? declaration = null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax found)
            {
                declaration = found;
                break;
            }
        }

        if (declaration is null || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return null;
        }

        if (HasFieldsInBase(type, known))
        {
            return null;
        }

        var attribute = Find(type.GetAttributes(), known.Signature)!;
        var instructions = (attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null)
            ?? Named(attribute, "Instructions") ?? Description(type);
        var fields = new List<FieldModel>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var member in type.GetMembers())
        {
            if (member is not IPropertySymbol { IsStatic: false, IsIndexer: false } property)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            // Each read of a symbol's attributes (or members, or interfaces) makes a new array: read them once.
            var attributes = property.GetAttributes();
            var input = Find(attributes, known.Input);
            var output = Find(attributes, known.Output);
            if (input is null && output is null)
            {
                continue;
            }

            if (input is not null && output is not null)
            {
                return null;
            }

            var side = (input ?? output)!;
            var shape = WithStringChoices(attributes, Shape(property.Type, property.NullableAnnotation, known, seen), known);
            if (shape is null)
            {
                return null;
            }

            var name = Named(side, "Name") ?? Naming.ToSnakeCase(property.Name);
            if (!names.Add(name))
            {
                return null;
            }

            var description = (side.ConstructorArguments.Length == 1 ? side.ConstructorArguments[0].Value as string : null)
                ?? Named(side, "Description") ?? Description(attributes);
            var constraints = Constraints(attributes, shape, known);
            if (constraints is null)
            {
                return null;
            }

            fields.Add(new FieldModel(name, property.Name, input is not null, description, Named(side, "Prefix"), shape, constraints, ClrName(property.Type), property.SetMethod is not null,
                input is not null && Flag(input, "Untrusted")));
        }

        if (!fields.Any(f => f.IsInput) || !fields.Any(f => !f.IsInput))
        {
            return null;
        }

        var keyword = declaration switch
        {
            RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
            StructDeclarationSyntax => "struct",
            _ => "class",
        };
        return new SignatureModel(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            keyword,
            type.Name,
            ClrName(type),
            Named(attribute, "Name") ?? type.Name,
            instructions,
            EquatableArray.From(fields),
            type.TypeKind == TypeKind.Class);
    }

    /// <summary>The shape of a type, by the rules of <c>TypeShape.FromType</c>; null when it is not one the generator rebuilds.</summary>
    private static ShapeModel? Shape(ITypeSymbol type, NullableAnnotation annotation, Names known, HashSet<ITypeSymbol> seen)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            var inner = Shape(nullable.TypeArguments[0], NullableAnnotation.NotAnnotated, known, seen);
            return inner is null ? null : Wrap("Nullable", ClrName(type), inner);
        }

        var shape = NonNullable(type, known, seen);
        return shape is not null && !type.IsValueType && annotation == NullableAnnotation.Annotated
            ? Wrap("Nullable", ClrName(type), shape)
            : shape;
    }

    private static ShapeModel? NonNullable(ITypeSymbol type, Names known, HashSet<ITypeSymbol> seen)
    {
        AddDependency(type);
        var clr = ClrName(type);
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Char:
                return Scalar("String", clr);
            case SpecialType.System_Boolean:
                return Scalar("Boolean", clr);
            case SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                or SpecialType.System_IntPtr or SpecialType.System_UIntPtr:
                return Scalar("Integer", clr);
            case SpecialType.System_Single or SpecialType.System_Double:
                return Scalar("Number", clr);
            case SpecialType.System_Decimal:
                return Scalar("Decimal", clr);
            case SpecialType.System_DateTime:
                return Scalar("DateTime", clr);
        }

        if (type is INamedTypeSymbol { IsGenericType: false } scalar && WellKnownScalar(scalar) is { } kind)
        {
            return Scalar(kind, clr);
        }

        if (type.TypeKind == TypeKind.Enum && type is INamedTypeSymbol enumType)
        {
            // Enum.GetNames orders the members by value (as unsigned numbers).
            var members = enumType.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue)
                .OrderBy(f => Unsigned(f.ConstantValue))
                .Select(f => f.Name);
            return new ShapeModel("Enum", null, clr, type.Name, null, EquatableArray.From(members), default);
        }

        if (type is IArrayTypeSymbol array)
        {
            var element = array.Rank == 1 ? Shape(array.ElementType, array.ElementNullableAnnotation, known, seen) : null;
            return element is null ? null : Wrap("List", clr, element);
        }

        var interfaces = type.SpecialType == SpecialType.None && type is INamedTypeSymbol { IsGenericType: false } ? type.AllInterfaces : default;
        if (Dictionary(type, known, interfaces) is { } pair)
        {
            if (pair.Key.SpecialType != SpecialType.System_String)
            {
                return null;
            }

            var value = Shape(pair.Value, pair.Value.NullableAnnotation, known, seen);
            return value is null ? null : Wrap("Dictionary", clr, value);
        }

        if (Item(type, interfaces) is { } item)
        {
            var element = Shape(item, item.NullableAnnotation, known, seen);
            return element is null ? null : Wrap("List", clr, element);
        }

        if (type.SpecialType == SpecialType.System_Object || type.TypeKind is TypeKind.Delegate or TypeKind.Pointer or TypeKind.TypeParameter or TypeKind.Error or TypeKind.Dynamic
            || type is not INamedTypeSymbol named || named.IsGenericType || (interfaces.IsDefault ? type.AllInterfaces : interfaces).Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable))
        {
            return null;
        }

        // A record or class: recursive ones and ones with inherited properties keep the reflection path.
        if (!seen.Add(type) || (named.BaseType is { SpecialType: not SpecialType.System_Object } baseType && baseType.SpecialType != SpecialType.System_ValueType))
        {
            return null;
        }

        var properties = new List<PropertyModel>();
        foreach (var member in named.GetMembers())
        {
            if (member is not IPropertySymbol property || property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public || property.GetMethod is null
                || property.Name == "EqualityContract")
            {
                continue;
            }

            var attributes = property.GetAttributes();
            var shape = WithStringChoices(attributes, Shape(property.Type, property.NullableAnnotation, known, seen), known);
            if (shape is null)
            {
                return null;
            }

            var constraints = Constraints(attributes, shape, known);
            if (constraints is null)
            {
                return null;
            }

            properties.Add(new PropertyModel(Naming.ToSnakeCase(property.Name), property.Name, Description(attributes), shape.Kind != "Nullable", shape, constraints, ClrName(property.Type), property.SetMethod is not null));
        }

        seen.Remove(type);
        return properties.Count == 0 ? null : new ShapeModel("Object", null, clr, type.Name, null, default, EquatableArray.From(properties), Constructor(named, properties), named.TypeKind == TypeKind.Class);
    }

    /// <summary>The constructor the run-time factory would use: a public parameterless one, else the public one with the most parameters that all name properties.</summary>
    [ThreadStatic]
    private static HashSet<SyntaxTree>? dependencies;

    private static void AddDependency(ITypeSymbol type)
    {
        if (dependencies is not null)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                dependencies.Add(reference.SyntaxTree);
            }
        }
    }

    private static string? Constructor(INamedTypeSymbol type, List<PropertyModel> properties)
    {
        // The properties are the type's public instance ones with a getter (what the run-time factory matches against).
        IMethodSymbol? best = null;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility != Accessibility.Public || (constructor.IsImplicitlyDeclared && type.IsValueType))
            {
                continue;
            }

            var parameters = constructor.Parameters;
            if (parameters.Length == 0)
            {
                return string.Empty;
            }

            var all = true;
            foreach (var parameter in parameters)
            {
                all &= properties.Exists(p => string.Equals(p.MemberName, parameter.Name, StringComparison.OrdinalIgnoreCase));
            }

            if (all && (best is null || parameters.Length > best.Parameters.Length))
            {
                best = constructor;
            }
        }

        return best is null ? null : string.Join(",", best.Parameters.Select(p => p.Name));
    }

    /// <summary>A string with <c>[AllowedValues]</c> becomes a literal choice set.</summary>
    private static ShapeModel? WithStringChoices(System.Collections.Immutable.ImmutableArray<AttributeData> attributes, ShapeModel? shape, Names known)
    {
        if (shape is null || Find(attributes, known.AllowedValues) is not { } allowed || NonNullable(shape).ScalarKind != "String")
        {
            return shape;
        }

        var values = Values(allowed);
        if (values.Any(v => v is null))
        {
            return null;
        }

        var literal = new ShapeModel("Literal", null, null, "Literal", null, EquatableArray.From(values.Select(v => Invariant(v!))), default);
        return shape.Kind == "Nullable" ? Wrap("Nullable", null, literal) : literal;
    }

    private static ConstraintsModel? Constraints(System.Collections.Immutable.ImmutableArray<AttributeData> attributes, ShapeModel shape, Names known)
    {
        var result = ConstraintsModel.None;
        foreach (var attribute in attributes)
        {
            var cls = attribute.AttributeClass;
            var args = attribute.ConstructorArguments;
            if (Is(cls, known.Range))
            {
                var (min, max) = args.Length == 3 ? (Double(args[1].Value), Double(args[2].Value)) : (Double(args[0].Value), Double(args[1].Value));
                if (min is null || max is null)
                {
                    return null;
                }

                result = result with
                {
                    Minimum = min,
                    Maximum = max,
                    MinimumIsExclusive = NamedBool(attribute, "MinimumIsExclusive"),
                    MaximumIsExclusive = NamedBool(attribute, "MaximumIsExclusive"),
                };
            }
            else if (Is(cls, known.StringLength) && args.Length == 1 && args[0].Value is int maxLength)
            {
                var minimum = attribute.NamedArguments.FirstOrDefault(a => a.Key == "MinimumLength").Value.Value as int? ?? 0;
                result = result with { MinLength = minimum > 0 ? minimum : result.MinLength, MaxLength = maxLength };
            }
            else if (Is(cls, known.Length) && args.Length == 2 && args[0].Value is int least && args[1].Value is int most)
            {
                result = result with { MinLength = least, MaxLength = most };
            }
            else if (Is(cls, known.MinLength) && args.Length == 1 && args[0].Value is int min1)
            {
                result = result with { MinLength = min1 };
            }
            else if (Is(cls, known.MaxLength))
            {
                if (args.Length != 1 || args[0].Value is not int max1)
                {
                    return null; // [MaxLength] without a length: keep the reflection path
                }

                result = result with { MaxLength = max1 };
            }
            else if (Is(cls, known.RegularExpression) && args.Length == 1 && args[0].Value is string pattern)
            {
                result = result with { Pattern = pattern };
            }
            else if (Is(cls, known.AllowedValues) && NonNullable(shape).ScalarKind != "String")
            {
                // As Convert.ToString writes them: enum members by name, numbers invariant, null as "".
                result = result with { AllowedValues = EquatableArray.From(Constants(attribute).Select(Text)) };
            }
        }

        return result;
    }

    /// <summary>The full names of the types the parser recognizes.</summary>
    private sealed class Names
    {
        public static Names Instance { get; } = new();

        public string Signature => "Declarative.SignatureAttribute";

        public string Input => "Declarative.InputAttribute";

        public string Output => "Declarative.OutputAttribute";

        public string Range => "System.ComponentModel.DataAnnotations.RangeAttribute";

        public string StringLength => "System.ComponentModel.DataAnnotations.StringLengthAttribute";

        public string Length => "System.ComponentModel.DataAnnotations.LengthAttribute";

        public string MinLength => "System.ComponentModel.DataAnnotations.MinLengthAttribute";

        public string MaxLength => "System.ComponentModel.DataAnnotations.MaxLengthAttribute";

        public string RegularExpression => "System.ComponentModel.DataAnnotations.RegularExpressionAttribute";

        public string AllowedValues => "System.ComponentModel.DataAnnotations.AllowedValuesAttribute";

        public string Dictionary => "System.Collections.Generic.IDictionary<TKey, TValue>";

        public string ReadOnlyDictionary => "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>";

        /// <summary>Whether the type has this full name ("Namespace.Name", or "Namespace.Name&lt;T, U&gt;" for generic definitions), without formatting it.</summary>
        public static bool Matches(INamedTypeSymbol type, string fullName)
        {
            // Compared from the end, part by part, without allocating: this runs for every attribute and type read.
            var generic = fullName.IndexOf('<');
            var end = generic < 0 ? fullName.Length : generic;
            if ((generic >= 0) != type.IsGenericType)
            {
                return false;
            }

            var dot = fullName.LastIndexOf('.', end - 1);
            if (!Part(type.Name, fullName, dot + 1, end))
            {
                return false;
            }

            var ns = type.ContainingNamespace;
            while (dot >= 0)
            {
                var partEnd = dot;
                dot = partEnd == 0 ? -1 : fullName.LastIndexOf('.', partEnd - 1);
                if (ns is null || ns.IsGlobalNamespace || !Part(ns.Name, fullName, dot + 1, partEnd))
                {
                    return false;
                }

                ns = ns.ContainingNamespace;
            }

            return ns is null || ns.IsGlobalNamespace;
        }

        private static bool Part(string name, string fullName, int start, int end) =>
            name.Length == end - start && string.CompareOrdinal(name, 0, fullName, start, name.Length) == 0;
    }

    private static string? WellKnownScalar(INamedTypeSymbol type) => type.Name switch
    {
        "Uri" when Is(type, "System.Uri") => "String",
        "Int128" when Is(type, "System.Int128") => "Integer",
        "UInt128" when Is(type, "System.UInt128") => "Integer",
        "BigInteger" when Is(type, "System.Numerics.BigInteger") => "Integer",
        "Half" when Is(type, "System.Half") => "Number",
        "DateTimeOffset" when Is(type, "System.DateTimeOffset") => "DateTime",
        "DateOnly" when Is(type, "System.DateOnly") => "DateOnly",
        "TimeOnly" when Is(type, "System.TimeOnly") => "TimeOnly",
        "Guid" when Is(type, "System.Guid") => "Guid",
        _ => null,
    };

    private static ulong Unsigned(object? value) => value switch
    {
        ulong u => u,
        null => 0,
        _ => unchecked((ulong)Convert.ToInt64(value, CultureInfo.InvariantCulture)),
    };

    private static IReadOnlyList<TypedConstant> Constants(AttributeData attribute) =>
        attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array
            ? attribute.ConstructorArguments[0].Values
            : attribute.ConstructorArguments;

    private static string Text(TypedConstant constant)
    {
        if (constant.Value is null)
        {
            return string.Empty;
        }

        if (constant.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType
            && enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, constant.Value)) is { } member)
        {
            return member.Name;
        }

        return Invariant(constant.Value);
    }

    private static IReadOnlyList<object?> Values(AttributeData attribute) =>
        attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array
            ? attribute.ConstructorArguments[0].Values.Select(v => v.Value).ToList()
            : attribute.ConstructorArguments.Select(v => v.Value).ToList();

    private static string Invariant(object value) => value switch
    {
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static ShapeModel NonNullable(ShapeModel shape) => shape.Kind == "Nullable" ? shape.Element! : shape;

    private static ShapeModel Scalar(string kind, string clr) => new("Scalar", kind, clr, null, null, default, default);

    private static ShapeModel Wrap(string kind, string? clr, ShapeModel element) => new(kind, null, clr, null, element, default, default);

    /// <summary>The type as C# code for <c>typeof</c> (fully qualified, keywords for special types), built by hand: formatting symbols is costly and runs on every compilation.</summary>
    private static string ClrName(ITypeSymbol type)
    {
        var known = clrNames ??= new Dictionary<ITypeSymbol, string>(SymbolEqualityComparer.Default);
        if (known.TryGetValue(type, out var name))
        {
            return name;
        }

        var code = clrNameBuilder ??= new System.Text.StringBuilder();
        code.Clear();
        AppendType(code, type);
        name = code.ToString();
        known[type] = name;
        return name;
    }

    /// <summary>The names written during one <see cref="Parse"/> (a type is named several times: as a field, an element, a property).</summary>
    [ThreadStatic]
    private static Dictionary<ITypeSymbol, string>? clrNames;

    [ThreadStatic]
    private static System.Text.StringBuilder? clrNameBuilder;

    private static void AppendType(System.Text.StringBuilder code, ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Object: code.Append("object"); return;
            case SpecialType.System_Boolean: code.Append("bool"); return;
            case SpecialType.System_Char: code.Append("char"); return;
            case SpecialType.System_SByte: code.Append("sbyte"); return;
            case SpecialType.System_Byte: code.Append("byte"); return;
            case SpecialType.System_Int16: code.Append("short"); return;
            case SpecialType.System_UInt16: code.Append("ushort"); return;
            case SpecialType.System_Int32: code.Append("int"); return;
            case SpecialType.System_UInt32: code.Append("uint"); return;
            case SpecialType.System_Int64: code.Append("long"); return;
            case SpecialType.System_UInt64: code.Append("ulong"); return;
            case SpecialType.System_Decimal: code.Append("decimal"); return;
            case SpecialType.System_Single: code.Append("float"); return;
            case SpecialType.System_Double: code.Append("double"); return;
            case SpecialType.System_String: code.Append("string"); return;
            case SpecialType.System_IntPtr when type.IsNativeIntegerType: code.Append("nint"); return;
            case SpecialType.System_UIntPtr when type.IsNativeIntegerType: code.Append("nuint"); return;
        }

        if (type is IArrayTypeSymbol array)
        {
            AppendType(code, array.ElementType);
            code.Append('[').Append(',', array.Rank - 1).Append(']');
            return;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            AppendType(code, nullable.TypeArguments[0]);
            code.Append('?');
            return;
        }

        if (type.ContainingType is { } outer)
        {
            AppendType(code, outer);
            code.Append('.');
        }
        else
        {
            code.Append("global::");
            AppendNamespace(code, type.ContainingNamespace);
        }

        code.Append(Identifier(type.Name));
        if (type is INamedTypeSymbol { IsGenericType: true } generic)
        {
            code.Append('<');
            for (var i = 0; i < generic.TypeArguments.Length; i++)
            {
                if (i > 0)
                {
                    code.Append(", ");
                }

                AppendType(code, generic.TypeArguments[i]);
            }

            code.Append('>');
        }
    }

    private static void AppendNamespace(System.Text.StringBuilder code, INamespaceSymbol? ns)
    {
        if (ns is { IsGlobalNamespace: false })
        {
            AppendNamespace(code, ns.ContainingNamespace);
            code.Append(Identifier(ns.Name)).Append('.');
        }
    }

    private static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static bool Is(INamedTypeSymbol? type, string fullName) => type is not null && Names.Matches(type, fullName);

    private static double? Double(object? value) => value switch
    {
        int i => i,
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static bool NamedBool(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is true;

    private static string? Named(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

    private static bool Flag(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is true;

    private static AttributeData? Find(ISymbol symbol, string attributeType) => Find(symbol.GetAttributes(), attributeType);

    private static AttributeData? Find(System.Collections.Immutable.ImmutableArray<AttributeData> attributes, string attributeType)
    {
        foreach (var attribute in attributes)
        {
            if (Is(attribute.AttributeClass, attributeType))
            {
                return attribute;
            }
        }

        return null;
    }

    private static string? Description(ISymbol symbol) => Description(symbol.GetAttributes());

    private static string? Description(System.Collections.Immutable.ImmutableArray<AttributeData> attributes) =>
        Find(attributes, "System.ComponentModel.DescriptionAttribute") is { ConstructorArguments: [{ Value: string text }] } ? text : null;

    private static bool HasFieldsInBase(INamedTypeSymbol type, Names known)
    {
        for (var current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            AddDependency(current);
            if (current.GetMembers().OfType<IPropertySymbol>().Any(p => Find(p, known.Input) is not null || Find(p, known.Output) is not null))
            {
                return true;
            }
        }

        return false;
    }

    private static KeyValuePair<ITypeSymbol, ITypeSymbol>? Dictionary(ITypeSymbol type, Names known, System.Collections.Immutable.ImmutableArray<INamedTypeSymbol> interfaces = default)
    {
        // The common dictionaries directly (computing all interfaces of a constructed type is costly).
        if (type is INamedTypeSymbol { Arity: 2, Name: "Dictionary" or "IDictionary" or "IReadOnlyDictionary" } common
            && Is(common.OriginalDefinition, "System.Collections.Generic." + common.Name + "<TKey, TValue>"))
        {
            return new KeyValuePair<ITypeSymbol, ITypeSymbol>(common.TypeArguments[0], common.TypeArguments[1]);
        }

        if (type is INamedTypeSymbol { Arity: 1 } single && (single.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_IEnumerable_T
            or SpecialType.System_Collections_Generic_IList_T or SpecialType.System_Collections_Generic_ICollection_T
            or SpecialType.System_Collections_Generic_IReadOnlyList_T or SpecialType.System_Collections_Generic_IReadOnlyCollection_T
            || (single.Name is "List" or "HashSet" && Is(single.OriginalDefinition, "System.Collections.Generic." + single.Name + "<T>"))))
        {
            return null;
        }

        if (type is INamedTypeSymbol self && IsDictionary(self, known))
        {
            return new KeyValuePair<ITypeSymbol, ITypeSymbol>(self.TypeArguments[0], self.TypeArguments[1]);
        }

        foreach (var candidate in interfaces.IsDefault ? type.AllInterfaces : interfaces)
        {
            if (IsDictionary(candidate, known))
            {
                return new KeyValuePair<ITypeSymbol, ITypeSymbol>(candidate.TypeArguments[0], candidate.TypeArguments[1]);
            }
        }

        return null;
    }

    private static bool IsDictionary(INamedTypeSymbol candidate, Names known) =>
        candidate.Arity == 2 && (Is(candidate.OriginalDefinition, known.Dictionary) || Is(candidate.OriginalDefinition, known.ReadOnlyDictionary));

    private static ITypeSymbol? Item(ITypeSymbol type, System.Collections.Immutable.ImmutableArray<INamedTypeSymbol> interfaces = default)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return null;
        }

        // The common collections directly (computing all interfaces of a constructed type is costly).
        if (type is INamedTypeSymbol { Arity: 1 } single
            && (single.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_IEnumerable_T
                    or SpecialType.System_Collections_Generic_IList_T or SpecialType.System_Collections_Generic_ICollection_T
                    or SpecialType.System_Collections_Generic_IReadOnlyList_T or SpecialType.System_Collections_Generic_IReadOnlyCollection_T
                || (single.Name is "List" or "HashSet" && Is(single.OriginalDefinition, "System.Collections.Generic." + single.Name + "<T>"))))
        {
            return single.TypeArguments[0];
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Collections_Generic_IEnumerable_T } self)
        {
            return self.TypeArguments[0];
        }

        foreach (var candidate in interfaces.IsDefault ? type.AllInterfaces : interfaces)
        {
            if (candidate.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }
}
