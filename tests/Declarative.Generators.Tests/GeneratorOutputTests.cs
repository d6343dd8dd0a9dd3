extern alias gen;

using Microsoft.CodeAnalysis;

using gen::Declarative.Generators;

namespace Declarative.Generators.Tests;

public class GeneratorOutputTests
{
    private const string Sample = """
        namespace Samples;
        public enum Category { Billing, Bug }
        /// <summary>Triage.</summary>
        [Signature("Triage the ticket.")]
        public sealed partial record Triage
        {
            [Input("The ticket \"as written\"", Untrusted = true)] public string Ticket { get; init; } = "";
            [Output] public Category Category { get; init; }
            [Output, Range(1, 4)] public int Priority { get; init; }
            [Output(Prefix = "Tags:"), MaxLength(3)] public List<string> Tags { get; init; } = [];
        }
        """;

    [Fact]
    public void The_emitted_source_matches_its_baseline()
    {
        var driver = GeneratorHarness.Driver().RunGenerators(GeneratorHarness.Compilation(Sample));
        var source = Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources);
        Assert.Equal("Samples.Triage.Signature.g.cs", source.HintName);
        var baseline = Path.Combine(AppContext.BaseDirectory, "Baselines", "Triage.Signature.g.cs.txt");
        var text = source.SourceText.ToString().Replace("\r\n", "\n");
        if (!File.Exists(baseline) && Environment.GetEnvironmentVariable("DECLARATIVE_WRITE_BASELINES") is { } folder)
        {
            File.WriteAllText(Path.Combine(folder, "Triage.Signature.g.cs.txt"), text);
        }

        Assert.Equal(File.ReadAllText(baseline).Replace("\r\n", "\n"), text);
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_tracked_step_cached()
    {
        var compilation = GeneratorHarness.Compilation(Sample, "namespace Other; public class Unrelated { public int A => 1; }");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(AnalyzerHarness.Usings + "namespace Other; public class Unrelated { public int A => 2; }", GeneratorHarness.ParseOptions));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        var outputs = result.TrackedSteps[SignatureGenerator.ModelStep].SelectMany(step => step.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
        Assert.All(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    [Fact]
    public void Editing_one_signature_reruns_only_its_output()
    {
        const string Other = "namespace Samples; [Signature] public partial class Other { [Input] public string Q { get; set; } = \"\"; [Output] public string A { get; set; } = \"\"; }";
        var compilation = GeneratorHarness.Compilation(Sample, Other);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(AnalyzerHarness.Usings + Other.Replace("string A", "int A"), GeneratorHarness.ParseOptions));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        var reasons = result.TrackedSteps[SignatureGenerator.ModelStep].SelectMany(step => step.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains("int", Assert.Single(result.GeneratedSources, s => s.HintName == "Samples.Other.Signature.g.cs").SourceText.ToString());
    }

    [Theory]
    [InlineData("[Signature] public class NotPartial { [Input] public string Q { get; set; } = \"\"; [Output] public string A { get; set; } = \"\"; }")]
    [InlineData("[Signature] public partial class NoOutput { [Input] public string Q { get; set; } = \"\"; }")]
    [InlineData("[Signature] public partial class Untyped { [Input] public string Q { get; set; } = \"\"; [Output] public object A { get; set; } = new(); }")]
    [InlineData("public sealed record Node(string Name, List<Node> Children); [Signature] public partial class Recursive { [Input] public string Q { get; set; } = \"\"; [Output] public Node Tree { get; set; } = null!; }")]
    [InlineData("public class Outer { [Signature] public partial class Nested { [Input] public string Q { get; set; } = \"\"; [Output] public string A { get; set; } = \"\"; } }")]
    public void Types_the_generator_does_not_take_on_keep_the_reflection_path(string source)
    {
        var driver = GeneratorHarness.Driver().RunGenerators(GeneratorHarness.Compilation(source));
        Assert.Empty(driver.GetRunResult().Results.Single().GeneratedSources);
    }
}
