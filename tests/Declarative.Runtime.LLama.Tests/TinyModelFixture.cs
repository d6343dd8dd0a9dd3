using Declarative.Testing;
using LLama;
using LLama.Common;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>A tiny generated GGUF model, loaded once by llama.cpp for the tests of this project.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        Folder = Directory.CreateTempSubdirectory("declarative-llama-").FullName;
        Path = System.IO.Path.Combine(Folder, "tiny.gguf");
        VocabularySize = TinyGguf.Write(Path);
        Weights = LLamaWeights.LoadFromFile(new ModelParams(Path) { GpuLayerCount = 0, ContextSize = 256 });
    }

    public string Folder { get; }

    public string Path { get; }

    public int VocabularySize { get; }

    public LLamaWeights Weights { get; }

    public void Dispose()
    {
        Weights.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
