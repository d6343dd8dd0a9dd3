extern alias gen;

using System.Diagnostics;
using gen::Declarative.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Declarative.Benchmarks;

/// <summary>
/// The source generator's cost on a project of N signature types: a full run (a fresh driver over the whole
/// compilation) against an incremental re-run after one signature is edited (the driver kept, as the IDE and the
/// build server keep it). With <c>--bind-declarations</c> each compilation's declarations (symbols, member types,
/// attributes) are bound before the clock starts, as the compiler binds them for any build, so the figures are the
/// generator's own work; without it the generator's first look at each symbol pays for that binding. Each figure is
/// the median of several runs.
/// </summary>
internal static class GeneratorCost
{
    public static int Run(string[] args)
    {
        var signatures = 200;
        var runs = 15;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--signatures": signatures = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--bind-declarations": bindDeclarations = true; break;
                case "--steps": steps = true; break;
                case "--floor": floor = true; break;
                case "--parse-only": parseOnly = true; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Enumerable.Range(0, signatures).Select(i => CSharpSyntaxTree.ParseText(Source(i, "string"), parse, path: $"S{i}.cs")).ToList();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(SignatureAttribute).Assembly.Location).Distinct(StringComparer.Ordinal)
            .Where(p => !Path.GetFileName(p).StartsWith("Declarative.Generators", StringComparison.Ordinal)) // a program never references the generator
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
        var compilation = CSharpCompilation.Create("Bench", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        if (parseOnly)
        {
            return ParseOnly(compilation, signatures, runs);
        }

        GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create([floor ? new FloorGenerator().AsSourceGenerator() : new SignatureGenerator().AsSourceGenerator()], parseOptions: parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: steps));

        var full = new List<double>();
        var incremental = new List<double>();
        var incrementalOwn = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            // A fresh compilation each time, so no semantic model is reused between full runs.
            var fresh = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(trees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), parse, t.FilePath)));
            Warm(fresh);
            var clock = Stopwatch.StartNew();
            var driver = NewDriver().RunGenerators(fresh);
            var fullTime = clock.Elapsed.TotalMilliseconds;
            var generated = driver.GetRunResult().GeneratedTrees.Length;
            if (generated != signatures)
            {
                Console.Error.WriteLine($"expected {signatures} generated files, got {generated}");
                return 1;
            }

            var target = fresh.SyntaxTrees.ElementAt(run % signatures);
            var edited = fresh.ReplaceSyntaxTree(target, CSharpSyntaxTree.ParseText(Source(run % signatures, "int"), parse, target.FilePath));
            Warm(edited);
            clock.Restart();
            driver = driver.RunGenerators(edited);
            var incrementalTime = clock.Elapsed.TotalMilliseconds;
            if (run > 0)
            {
                full.Add(fullTime);
                incremental.Add(incrementalTime);
                incrementalOwn.Add(driver.GetTimingInfo().GeneratorTimes[0].ElapsedTime.TotalMilliseconds);
                if (steps && run == runs)
                {
                    // Where the re-run's time goes, by step (every step the driver tracks, ours and Roslyn's own).
                    foreach (var step in driver.GetRunResult().Results[0].TrackedSteps.OrderByDescending(s => s.Value.Sum(x => x.ElapsedTime.Ticks)))
                    {
                        Console.WriteLine(FormattableString.Invariant($"  step {step.Key}: {step.Value.Length} runs, {step.Value.Sum(x => x.ElapsedTime.TotalMilliseconds):F2} ms"));
                    }
                }
            }
        }

        full.Sort();
        incremental.Sort();
        incrementalOwn.Sort();
        var fullMedian = full[full.Count / 2];
        var incrementalMedian = incremental[incremental.Count / 2];
        Console.WriteLine(FormattableString.Invariant(
            $"{signatures} signatures, {runs} runs: full run median {fullMedian:F1} ms (min {full[0]:F1}), incremental re-run after one edit median {incrementalMedian:F2} ms (min {incremental[0]:F2}); ratio {fullMedian / incrementalMedian:F1}x; the driver's own timing of the generator in the re-run {incrementalOwn[incrementalOwn.Count / 2]:F2} ms"));
        return 0;
    }

    /// <summary>
    /// Builds the compilation's declaration tables (what the compiler does for any build, generator or not), so the
    /// timings are the generator's own work.
    /// </summary>
    private static void Warm(Compilation compilation)
    {
        if (bindDeclarations)
        {
            // Symbols, member types and attributes of every declaration: what any build binds, generator or not.
            _ = compilation.GetDeclarationDiagnostics();
        }
        else
        {
            _ = compilation.GetTypeByMetadataName("Declarative.SignatureAttribute");
        }
    }

    private static bool bindDeclarations;
    private static bool steps;
    private static bool floor;
    private static bool parseOnly;

    /// <summary>The generator's transform alone (<c>--parse-only</c>): reading every signature type of a bound compilation.</summary>
    private static int ParseOnly(CSharpCompilation compilation, int signatures, int runs)
    {
        var times = new List<double>();
        var bytes = 0L;
        for (var run = 0; run <= runs; run++)
        {
            var fresh = compilation.Clone();
            _ = fresh.GetDeclarationDiagnostics();
            var types = Enumerable.Range(0, signatures).Select(i => fresh.GetTypeByMetadataName("Bench.Signature" + i)!).ToList();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            foreach (var type in types)
            {
                _ = SignatureParser.Parse(type, default) ?? throw new InvalidOperationException("not parsed: " + type.Name);
            }

            if (run > 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
                bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            }
        }

        times.Sort();
        Console.WriteLine(FormattableString.Invariant($"{signatures} signatures: the transform alone, median {times[times.Count / 2]:F2} ms (min {times[0]:F2}), {bytes / 1024} KB allocated"));
        return 0;
    }

    /// <summary>
    /// The least a generator keyed on [Signature] can cost (<c>--floor</c>): the same ForAttributeWithMetadataName
    /// lookup, a transform that reads only the symbol's name, one tiny file per type. What Roslyn itself spends.
    /// </summary>
    private sealed class FloorGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var names = context.SyntaxProvider.ForAttributeWithMetadataName(
                "Declarative.SignatureAttribute", static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax, static (c, _) => c.TargetSymbol.Name);
            context.RegisterSourceOutput(names, static (output, name) => output.AddSource(name + ".g.cs", "// " + name));
        }
    }

    private static string Source(int i, string answerType) => $$"""
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;
        using Declarative;
        namespace Bench;
        public sealed record Item{{i}}(string Name, int? Count, List<string> Tags);
        [Signature("Task {{i}}.")]
        public sealed partial record Signature{{i}}
        {
            [Input("The question")] public string Question { get; init; } = "";
            [Input] public List<Item{{i}}> Items { get; init; } = [];
            [Output, Range(1, 5)] public {{answerType}} Answer { get; init; } = default!;
            [Output, MaxLength(3)] public List<string> Tags { get; init; } = [];
        }
        """;
}
