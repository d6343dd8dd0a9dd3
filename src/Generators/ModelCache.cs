using System.Runtime.CompilerServices;
using System.Threading;
using Declarative.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators;

/// <summary>
/// Reuses a signature's model across compilations when nothing it was read from can have changed. Roslyn runs the
/// semantic transform of every <c>[Signature]</c> type on every compilation change, since an edit anywhere may change
/// what a type means; this finds the edits that cannot, and skips reading the type's symbols again. A model is reused
/// only when, in the new compilation:
/// <list type="bullet">
/// <item>every syntax tree declaring a type the model was read from (the signature type, its partial parts and base
/// types, the records, enums and collections of its fields) is the same tree object (unedited);</item>
/// <item>the same types are declared everywhere, with the same global usings and extern aliases (so no name can bind
/// to something else), fingerprinted from syntax per tree;</item>
/// <item>the references and options are the same;</item>
/// <item>its attribute arguments in those trees are literals, <c>typeof</c> or arrays of them (no constant from
/// elsewhere); otherwise the model is never reused.</item>
/// </list>
/// Anything else reads the type again.
/// </summary>
internal static class ModelCache
{
    private static readonly ConditionalWeakTable<SyntaxNode, Entry> Entries = new();
    private static readonly ConditionalWeakTable<Compilation, Facts> CompilationFacts = new();
    private static readonly ConditionalWeakTable<SyntaxTree, StrongBox<ulong>> TreeFingerprints = new();
    private static int reads;

    /// <summary>How many times a signature type was read rather than reused (for tests).</summary>
    public static int Reads => Volatile.Read(ref reads);

    /// <summary>The model of a signature type: reused when it may be, read (and remembered) otherwise.</summary>
    public static SignatureModel? Get(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var compilation = context.SemanticModel.Compilation;
        var facts = CompilationFacts.GetValue(compilation, static c => new Facts(c));
        if (Entries.TryGetValue(context.TargetNode, out var entry) && entry.StillHolds(compilation, facts))
        {
            return entry.Model;
        }

        Interlocked.Increment(ref reads);
        var dependencies = new HashSet<SyntaxTree>();
        var model = SignatureParser.Parse((INamedTypeSymbol)context.TargetSymbol, cancellationToken, dependencies);
        if (dependencies.All(LiteralAttributesOnly))
        {
            lock (Entries)
            {
                Entries.Remove(context.TargetNode);
                Entries.Add(context.TargetNode, new Entry(model, [.. dependencies], facts.Fingerprint, compilation.ExternalReferences, compilation.Options));
            }
        }

        return model;
    }

    private static bool LiteralAttributesOnly(SyntaxTree tree)
    {
        foreach (var argument in tree.GetRoot().DescendantNodes(static n => n is not (BlockSyntax or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax)).OfType<AttributeArgumentSyntax>())
        {
            if (!Literal(argument.Expression))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Literal(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax or TypeOfExpressionSyntax => true,
        PrefixUnaryExpressionSyntax { Operand: var operand } => Literal(operand),
        ParenthesizedExpressionSyntax { Expression: var inner } => Literal(inner),
        ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions.All(Literal),
        ImplicitArrayCreationExpressionSyntax { Initializer: var initializer } => initializer.Expressions.All(Literal),
        CollectionExpressionSyntax collection => collection.Elements.All(e => e is ExpressionElementSyntax { Expression: var item } && Literal(item)),
        _ => false,
    };

    private sealed class Entry(SignatureModel? model, SyntaxTree[] trees, ulong fingerprint, System.Collections.Immutable.ImmutableArray<MetadataReference> references, CompilationOptions options)
    {
        public SignatureModel? Model { get; } = model;

        public bool StillHolds(Compilation compilation, Facts facts)
        {
            if (fingerprint != facts.Fingerprint || !options.Equals(compilation.Options))
            {
                return false;
            }

            var now = compilation.ExternalReferences;
            if (now.Length != references.Length)
            {
                return false;
            }

            for (var i = 0; i < now.Length; i++)
            {
                if (!ReferenceEquals(now[i], references[i]))
                {
                    return false;
                }
            }

            foreach (var tree in trees)
            {
                if (!facts.Trees.Contains(tree))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Per compilation: its trees, and a fingerprint of every type declaration, global using and extern alias in them.</summary>
    private sealed class Facts
    {
        public Facts(Compilation compilation)
        {
            Trees = new HashSet<SyntaxTree>(compilation.SyntaxTrees);
            ulong sum = 0;
            foreach (var tree in compilation.SyntaxTrees)
            {
                // Order does not matter: trees are summed (each tree's fingerprint mixes its path in).
                sum += TreeFingerprints.GetValue(tree, static t => new StrongBox<ulong>(Fingerprint(t))).Value;
            }

            Fingerprint = sum;
        }

        public HashSet<SyntaxTree> Trees { get; }

        public ulong Fingerprint { get; }
    }

    private static ulong Fingerprint(SyntaxTree tree)
    {
        var hash = Mix(14695981039346656037UL, tree.FilePath);
        var root = tree.GetRoot();
        if (root is CompilationUnitSyntax unit)
        {
            foreach (var alias in unit.Externs)
            {
                hash = Mix(hash, "extern " + alias.Identifier.ValueText);
            }

            foreach (var directive in unit.Usings)
            {
                if (directive.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
                {
                    hash = Mix(hash, directive.ToString());
                }
            }
        }

        foreach (var node in root.DescendantNodes(static n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax))
        {
            switch (node)
            {
                case BaseNamespaceDeclarationSyntax space:
                    hash = Mix(hash, "namespace " + space.Name);
                    break;
                case BaseTypeDeclarationSyntax type:
                    hash = Mix(hash, Container(type) + type.Identifier.ValueText + "`" + ((type as TypeDeclarationSyntax)?.Arity ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case DelegateDeclarationSyntax @delegate:
                    hash = Mix(hash, Container(@delegate) + @delegate.Identifier.ValueText + "`" + @delegate.Arity.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        return hash;
    }

    private static string Container(SyntaxNode node)
    {
        var parts = new List<string>();
        for (var parent = node.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case BaseNamespaceDeclarationSyntax space:
                    parts.Add(space.Name.ToString());
                    break;
                case BaseTypeDeclarationSyntax type:
                    parts.Add(type.Identifier.ValueText);
                    break;
            }
        }

        parts.Reverse();
        return string.Join(".", parts) + "/";
    }

    private static ulong Mix(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (hash ^ 0xFF) * 1099511628211UL;
    }
}
