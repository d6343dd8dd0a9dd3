using BenchmarkDotNet.Attributes;
using Declarative.Grammars;

namespace Declarative.Benchmarks;

/// <summary>
/// What a signature's output grammars and schema cost on first use: compiled from the descriptor at run time (a
/// descriptor built by reflection, which has no build-time outputs) against read from the constants the generator
/// wrote (the descriptor <c>Signature.For</c> returns when the generator ran). Neither path caches; adapters cache the
/// result per descriptor, so this is paid once per signature and process.
/// </summary>
[MemoryDiagnoser]
public class OutputGrammarBenchmarks
{
    private Signature compiled = null!;
    private Signature generated = null!;

    [GlobalSetup]
    public void Setup()
    {
        compiled = Signature.FromType(typeof(Triage));
        generated = Signature.For(typeof(Triage));
    }

    [Benchmark(Baseline = true, Description = "Triage chat grammar, compiled")]
    public Grammar ChatCompiled() => SignatureGrammar.ForChat(compiled);

    [Benchmark(Description = "Triage chat grammar, from the build-time GBNF")]
    public Grammar ChatGenerated() => SignatureGrammar.ForChat(generated);

    [Benchmark(Description = "Triage JSON grammar, compiled")]
    public Grammar JsonCompiled() => SignatureGrammar.ForJson(compiled);

    [Benchmark(Description = "Triage JSON grammar, from the build-time GBNF")]
    public Grammar JsonGenerated() => SignatureGrammar.ForJson(generated);

    [Benchmark(Description = "Triage output schema, compiled")]
    public object SchemaCompiled() => TypeShapeSchema.ForOutputs(compiled);

    [Benchmark(Description = "Triage output schema, from the build-time JSON")]
    public object SchemaGenerated() => TypeShapeSchema.ForOutputs(generated);
}
