extern alias gen;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

using gen::Declarative.Generators;

namespace Declarative.Generators.Tests;

/// <summary>
/// A signature's model is reused across compilations only when nothing it was read from can have changed: after each
/// edit, the incremental run's output equals a run from scratch over the edited program.
/// </summary>
/// <remarks>
/// <c>ModelCache.Reads</c> counts for the whole process, so these tests run alone, not beside other generator tests.
/// </remarks>
[Collection(ModelCacheCollection.Name)]
public class ModelCacheTests
{
    private const string Signature = """
        using Lib;
        namespace App;
        [Signature("Pick items.")]
        public partial class Pick
        {
            [Input] public string Text { get; set; } = "";
            [Output, MaxLength(Limits.Tags)] public List<string> Tags { get; set; } = [];
            [Output] public Item Best { get; set; } = null!;
        }
        """;

    private const string Library = "namespace Lib; public record Item(string Name, int Count);";
    private const string LimitsSource = "namespace App; public static class Limits { public const int Tags = 3; }";
    private const string Unrelated = "namespace Other; public class Helper { public int A => 1; }";

    private const string PlainSignature = """
        namespace App;
        [Signature("Plain.")]
        public partial class Plain
        {
            [Input] public string Text { get; set; } = "";
            [Output, Range(1, 5)] public int Stars { get; set; }
            [Output] public Lib.Item Best { get; set; } = null!;
        }
        """;

    [Fact]
    public void An_edit_elsewhere_reuses_the_model_without_reading_the_type_again()
    {
        var compilation = GeneratorHarness.Compilation(PlainSignature, Library, Unrelated);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var before = ModelCache.Reads;
        var edited = Replace(compilation, 2, "namespace Other; public class Helper { public int A => 2; }");
        AssertSameAsFromScratch(driver, edited);
        Assert.Equal(before, ModelCache.Reads);
    }

    public static TheoryData<string, int, string, string> Edits() => new()
    {
        // The record a field holds gains a property (its file is a dependency).
        { "a dependency edited", 1, "namespace Lib; public record Item(string Name, int Count, bool Sold);", "sold" },
        // A constant an attribute reads, in another file.
        { "a constant edited", 2, "namespace App; public static class Limits { public const int Tags = 7; }", "MaxLength = 7" },
        // A type declared elsewhere now shadows the one the field bound to (App.Item before Lib.Item).
        { "a shadowing type added", 3, "namespace App; public record Item(double Weight);", "weight" },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void An_edit_that_changes_the_meaning_reads_the_type_again(string what, int tree, string source, string expected)
    {
        var compilation = GeneratorHarness.Compilation(Signature, Library, LimitsSource, Unrelated);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = Replace(compilation, tree, source);

        var text = AssertSameAsFromScratch(driver, edited);
        Assert.True(text.Contains(expected, StringComparison.Ordinal), $"{what}: the output does not show '{expected}'");
    }

    [Fact]
    public void A_global_using_changed_elsewhere_reads_the_type_again()
    {
        var signature = "namespace App; [Signature] public partial class G { [Input] public string Text { get; set; } = \"\"; [Output] public Item Best { get; set; } = null!; }";
        var compilation = GeneratorHarness.Compilation(signature, Library, "namespace Lib2; public record Item(decimal Price);", "global using Lib;");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = Replace(compilation, 3, "global using Lib2;");

        Assert.Contains("price", AssertSameAsFromScratch(driver, edited), StringComparison.Ordinal);
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, int index, string source) =>
        compilation.ReplaceSyntaxTree(compilation.SyntaxTrees[index], CSharpSyntaxTree.ParseText(AnalyzerHarness.Usings + source, GeneratorHarness.ParseOptions));

    private static string AssertSameAsFromScratch(GeneratorDriver driver, CSharpCompilation edited)
    {
        static string Text(GeneratorDriver d) => string.Join("\n", d.GetRunResult().GeneratedTrees.Select(t => t.ToString()).Order(StringComparer.Ordinal));
        var incremental = Text(driver.RunGenerators(edited));
        var scratch = Text(GeneratorHarness.Driver().RunGenerators(edited));
        Assert.Equal(scratch, incremental);
        return incremental;
    }
}

/// <summary>The tests that read the process-wide <c>ModelCache.Reads</c> counter: run with nothing beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ModelCacheCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "model cache counter";
}

