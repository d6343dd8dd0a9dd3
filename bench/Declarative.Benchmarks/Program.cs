using BenchmarkDotNet.Running;

// A harness command runs when its name is the first argument (each one's command line and figures are in
// bench/RESULTS.md); anything else goes to BenchmarkDotNet.
return args.Length > 0 && args[0] == "masks" ? Declarative.Benchmarks.MaskCorpus.Run(args)
    : args.Length > 0 && args[0] == "generator" ? Declarative.Benchmarks.GeneratorCost.Run(args)
    : args.Length > 0 && args[0] == "llama" ? Declarative.Benchmarks.LocalModelBench.Run(args)
    : args.Length > 0 && args[0] == "remote" ? Declarative.Benchmarks.RemoteBench.Run(args)
    : args.Length > 0 && args[0] == "optimize-remote" ? Declarative.Benchmarks.OptimizeRemoteBench.Run(args)
    : args.Length > 0 && args[0] == "embeddings" ? Declarative.Benchmarks.EmbeddingBench.Run(args)
    : args.Length > 0 && args[0] == "modules" ? Declarative.Benchmarks.AgentBench.Run(args)
    : args.Length > 0 && args[0] == "sql" ? Declarative.Benchmarks.SqlBench.Run(args)
    : args.Length > 0 && args[0] == "mipro-bookkeeping" ? Declarative.Benchmarks.MiproBookkeeping.Run(args)
    : args.Length > 0 && args[0] == "guards" ? Declarative.Benchmarks.GuardsBench.Run(args)
    : args.Length > 0 && args[0] == "retrieval" ? Declarative.Benchmarks.RetrievalBench.Run(args)
    : Run(args);

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
