using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Declarative.Generators.Tests;

public class ModuleGeneratorTests
{
    private const string Modules = """
        namespace Mods;
        [Signature] public partial class QA { [Input] public string Q { get; set; } = ""; [Output] public string A { get; set; } = ""; }
        [Module] public partial class Inner : Module { private readonly Predict<QA> _judge = new(); }
        [Module] public partial class Rag : Module
        {
            private readonly Predict<QA> _retrieve = new();
            public ChainOfThought<QA> Answer { get; } = new();
            private readonly Predict[] steps = [new Predict<QA>(), new Predict<QA>()];
            private readonly List<Module> children = [new Inner()];
            public IReadOnlyList<Predict> Extra { get; } = [new Predict<QA>()];
            public string NotAModule = "";
        }
        [Module] public partial class Derived : Rag { private readonly Predict<QA> more = new(); }
        public partial class Plain : Module { private readonly Predict<QA> p = new(); }
        """;

    [Fact]
    public void Generated_discovery_names_the_predictors_as_the_reflection_path_does()
    {
        var (generated, run) = GeneratorHarness.BuildAndLoad(Modules);
        Assert.Equal(3, run.Results.Single().GeneratedSources.Count(s => s.HintName.EndsWith(".Module.g.cs", StringComparison.Ordinal)));
        var reflected = AnalyzerHarness.Load(Modules);
        foreach (var name in new[] { "Mods.Inner", "Mods.Rag", "Mods.Derived", "Mods.Plain" })
        {
            var viaGenerator = Names((Module)Activator.CreateInstance(generated.GetType(name)!)!);
            var viaReflection = Names((Module)Activator.CreateInstance(reflected.GetType(name)!)!);
            Assert.Equal(viaReflection, viaGenerator);
        }

        Assert.Equal(
            ["retrieve", "answer.predict", "steps[0]", "steps[1]", "children[0].judge", "extra[0]", "more"],
            Names((Module)Activator.CreateInstance(generated.GetType("Mods.Derived")!)!));
    }

    [Fact]
    public void Generated_clone_copies_every_predictor_and_leaves_the_original_alone()
    {
        var (assembly, _) = GeneratorHarness.BuildAndLoad(Modules);
        var original = (Module)Activator.CreateInstance(assembly.GetType("Mods.Derived")!)!;
        var copy = original.Clone();
        Assert.IsType(original.GetType(), copy);
        var before = original.NamedPredictors();
        var after = copy.NamedPredictors();
        Assert.Equal(before.Select(p => p.Name), after.Select(p => p.Name));
        for (var i = 0; i < before.Count; i++)
        {
            Assert.NotSame(before[i].Predictor, after[i].Predictor);
        }

        // The generated members are what ran, not the reflection fallback.
        Assert.NotNull(copy.GetType().GetMethod("Clone", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));
        Assert.Null(assembly.GetType("Mods.Plain")!.GetMethod("Clone", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));
    }

    [Fact]
    public void The_reflection_clone_copies_arrays_of_predictors_too()
    {
        var reflected = AnalyzerHarness.Load(Modules.Replace("[Module] ", string.Empty, StringComparison.Ordinal));
        var original = (Module)Activator.CreateInstance(reflected.GetType("Mods.Rag")!)!;
        var copy = original.Clone();
        var before = original.NamedPredictors().ToDictionary(p => p.Name, p => p.Predictor);
        foreach (var (name, predictor) in copy.NamedPredictors().Where(p => p.Name.StartsWith("steps", StringComparison.Ordinal)))
        {
            Assert.NotSame(before[name], predictor);
        }
    }

    private static string[] Names(Module module) => module.NamedPredictors().Select(p => p.Name).ToArray();
}
