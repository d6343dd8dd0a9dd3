using Declarative.Testing;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>A tiny generated GGUF model loaded as a <see cref="LlamaModel"/> once for a test class.</summary>
public sealed class LlamaModelFixture : IDisposable
{
    public LlamaModelFixture()
    {
        Folder = Directory.CreateTempSubdirectory("declarative-llama-model-").FullName;
        Path = System.IO.Path.Combine(Folder, "tiny.gguf");
        TinyGguf.Write(Path);
        Model = LlamaModel.Load(Path, new LlamaModelOptions { ContextSize = 2048, GpuLayerCount = 0, MinSavedPrefixTokens = 16 });
    }

    public string Folder { get; }

    public string Path { get; }

    public LlamaModel Model { get; }

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
