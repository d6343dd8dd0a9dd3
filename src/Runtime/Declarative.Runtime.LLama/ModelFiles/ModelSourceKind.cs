namespace Declarative.Runtime.LLama;

/// <summary>Where a <see cref="ModelSource"/> lives.</summary>
public enum ModelSourceKind
{
    /// <summary>A file on this machine (<c>llama:PATH.gguf</c>).</summary>
    Local,

    /// <summary>A file behind an HTTP(S) URL (<c>https://…/x.gguf</c> or <c>hf:owner/repo/file.gguf</c>), downloaded into the cache.</summary>
    Url,
}
