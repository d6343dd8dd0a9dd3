using BenchmarkDotNet.Attributes;

namespace Declarative.Benchmarks;

/// <summary>
/// What building a signature's descriptor by reflection costs, once per type on its first use when the generator did
/// not compile it, against looking up a descriptor already known (registered by the generated module initializer, or
/// cached after that first use).
/// </summary>
[MemoryDiagnoser]
public class DescriptorBenchmarks
{
    [Benchmark(Baseline = true, Description = "Triage descriptor by reflection")]
    public Signature Reflection() => Signature.FromType(typeof(Triage));

    [Benchmark(Description = "Triage descriptor from Signature.For once known")]
    public Signature Registered() => Signature.For(typeof(Triage));

    [Benchmark(Description = "Triage typed binding built (generated accessors, or compiled expressions without the generator)")]
    public object Binding() => new TypedBinding<Triage>(Signature.For<Triage>());
}
