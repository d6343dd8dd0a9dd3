extern alias gen;

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

using gen::Declarative.Generators;

namespace Declarative.Generators.Tests;

/// <summary>Compiles a small program against the real Declarative.Signatures assembly and runs the analyzer on it.</summary>
internal static class AnalyzerHarness
{
    public static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var declarative = new[] { typeof(SignatureAttribute).Assembly.Location, typeof(Module).Assembly.Location, typeof(Microsoft.Extensions.AI.IChatClient).Assembly.Location };
        // A user's program references the libraries, never the generator (which compiles the signature model in).
        return platform.Concat(declarative).Distinct(StringComparer.Ordinal)
            .Where(p => !Path.GetFileName(p).StartsWith("Declarative.Generators", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    public const string Usings = "using System; using System.Collections; using System.Collections.Generic; using System.ComponentModel.DataAnnotations; using System.Linq; using System.Threading; using System.Threading.Tasks; using Declarative;\n";

    /// <summary>The analyzer's diagnostics for a program that otherwise compiles cleanly.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(Usings + source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            "Sample",
            [tree],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "the sample does not compile: " + string.Join("; ", errors));
        return await compilation.WithAnalyzers([new SignatureAnalyzer(), new ModuleAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>Compiles a program and loads it, to ask the run-time model about its types.</summary>
    public static System.Reflection.Assembly Load(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(Usings + source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            "Sample" + Guid.NewGuid().ToString("N"),
            [tree],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("; ", result.Diagnostics));
        return System.Reflection.Assembly.Load(stream.ToArray());
    }

    /// <summary>
    /// Asserts that the analyzer reports exactly one diagnostic, <paramref name="id"/>, on the span marked
    /// <c>[|…|]</c> in <paramref name="marked"/>.
    /// </summary>
    public static async Task AssertSingleAsync(string id, string marked)
    {
        var start = marked.IndexOf("[|", StringComparison.Ordinal);
        var end = marked.IndexOf("|]", start + 2, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "mark the expected span with [| |]");
        var source = marked[..start] + marked[(start + 2)..end] + marked[(end + 2)..];
        var expected = new TextSpan(Usings.Length + start, end - start - 2);
        var diagnostics = await AnalyzeAsync(source);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(expected, diagnostic.Location.SourceSpan);
    }
}
