extern alias gen;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

using gen::Declarative.Generators;

namespace Declarative.Generators.Tests;

public class MakePartialCodeFixTests
{
    [Theory]
    [InlineData("public sealed class QuestionAnswer", "public sealed partial class QuestionAnswer")]
    [InlineData("public record QuestionAnswer", "public partial record QuestionAnswer")]
    [InlineData("class QuestionAnswer", "partial class QuestionAnswer")]
    [InlineData("internal sealed record class QuestionAnswer", "internal sealed partial record class QuestionAnswer")]
    public async Task DCL001_is_fixed_by_declaring_the_type_partial(string declaration, string expected)
    {
        var source = AnalyzerHarness.Usings + $$"""
            /// <summary>Answers.</summary>
            [Signature]
            {{declaration}}
            {
                [Input] public string Question { get; set; } = "";
                [Output] public string Answer { get; set; } = "";
            }
            """;
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject("Sample", LanguageNames.CSharp)
            .WithMetadataReferences(AnalyzerHarness.References.Value)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
            .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest));
        var document = project.AddDocument("Sample.cs", source);

        var diagnostic = Assert.Single(await DiagnosticsAsync(document.Project));
        Assert.Equal("DCL001", diagnostic.Id);
        var actions = new List<CodeAction>();
        await new MakePartialCodeFix().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        var operations = await Assert.Single(actions).GetOperationsAsync(CancellationToken.None);
        var fixedDocument = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        var text = (await fixedDocument.GetTextAsync()).ToString();

        Assert.Contains("[Signature]\n" + expected + "\n{", text.Replace("\r\n", "\n"));
        Assert.Empty(await DiagnosticsAsync(fixedDocument.Project));
    }

    private static async Task<IReadOnlyList<Diagnostic>> DiagnosticsAsync(Project project)
    {
        var compilation = (await project.GetCompilationAsync())!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return await compilation.WithAnalyzers([new SignatureAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }
}
