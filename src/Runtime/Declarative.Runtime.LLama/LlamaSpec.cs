using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama;

/// <summary>
/// A local model and its settings in one string, as the <c>declarative</c> tool's <c>--lm</c> and the samples'
/// <c>DECLARATIVE_MODEL</c> take it: a model file spec (see <see cref="ModelSource"/>) after an optional <c>llama:</c>,
/// then optionally settings as a query string, such as
/// <c>llama:model.gguf?ctx=8192&amp;ngl=0</c>, <c>llama:hf:owner/repo/file.gguf#sha256=…?temperature=0.7</c> or
/// <c>llama:https://host/file.gguf?max-tokens=256</c>. The settings are those after the last <c>?</c> (or after the
/// <c>#sha256=</c> pin when one follows it), so a URL that has a query of its own takes a second <c>?</c>, possibly empty,
/// for the settings. Immutable.
/// </summary>
public sealed partial class LlamaSpec
{
    private const string PinMarker = "#sha256=";

    private readonly Settings settings;

    private LlamaSpec(string spec, ModelSource source, Settings settings)
    {
        Spec = spec;
        Source = source;
        this.settings = settings;
    }

    /// <summary>The spec as it was given (trimmed).</summary>
    public string Spec { get; }

    /// <summary>The model file.</summary>
    public ModelSource Source { get; }

    /// <summary>Parses a spec.</summary>
    /// <param name="spec">The spec, such as <c>llama:model.gguf?ctx=8192&amp;ngl=0</c>.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="spec"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The model file part is not a model spec, or a setting is unknown or out of range; the message lists what is accepted.</exception>
    public static LlamaSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var trimmed = spec.Trim();
        var (sourceSpec, query) = Split(trimmed);
        ModelSource source;
        try
        {
            source = ModelSource.Parse(sourceSpec);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"'{trimmed}': {ex.Message}", ex);
        }

        return new LlamaSpec(trimmed, source, Settings.Parse(trimmed, query, source.Kind == ModelSourceKind.Url));
    }

    /// <summary>New load options with the spec's settings (<c>ctx</c>, <c>batch</c>, <c>threads</c>, <c>ngl</c>, <c>flash-attn</c>, <c>kv</c>, <c>mmap</c>) over the defaults.</summary>
    /// <returns>Options the caller may change further before loading.</returns>
    public LlamaModelOptions CreateModelOptions() => settings.ToModelOptions();

    /// <summary>New chat defaults with the spec's settings (<c>temperature</c>, <c>max-tokens</c>, <c>template</c>) over the defaults.</summary>
    /// <returns>Options the caller may change further before making a client.</returns>
    public LlamaChatOptions CreateChatOptions() => settings.ToChatOptions();

    /// <summary>Obtains the model file (downloading it into the cache when it is a URL not there yet) and loads it with the spec's settings.</summary>
    /// <param name="downloader">The downloader; <see langword="null"/> for one with the default cache.</param>
    /// <param name="progress">Receives the download's progress; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the download; loading itself is not interrupted.</param>
    /// <returns>The model; the caller disposes it.</returns>
    /// <exception cref="FileNotFoundException">A local file does not exist.</exception>
    /// <exception cref="ModelDownloadException">The file could not be downloaded, or does not match its pinned SHA-256.</exception>
    /// <exception cref="InvalidDataException">The file is not a GGUF model llama.cpp can load.</exception>
    public async Task<LlamaModel> LoadModelAsync(ModelDownloader? downloader = null, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var path = await (downloader ?? new ModelDownloader()).EnsureAsync(Source, progress, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return LlamaModel.Load(path, CreateModelOptions());
    }

    /// <summary>
    /// Loads the model as <see cref="LoadModelAsync"/> does and makes a chat client over it with the spec's chat
    /// settings. The client owns the model: disposing the client frees both.
    /// </summary>
    /// <param name="downloader">The downloader; <see langword="null"/> for one with the default cache.</param>
    /// <param name="progress">Receives the download's progress; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the download; loading itself is not interrupted.</param>
    /// <returns>The client (its <see cref="IChatClient.GetService"/> hands out the <see cref="LlamaModel"/>).</returns>
    /// <exception cref="FileNotFoundException">A local file does not exist.</exception>
    /// <exception cref="ModelDownloadException">The file could not be downloaded, or does not match its pinned SHA-256.</exception>
    /// <exception cref="InvalidDataException">The file is not a GGUF model llama.cpp can load.</exception>
    public async Task<IChatClient> LoadChatClientAsync(ModelDownloader? downloader = null, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var model = await LoadModelAsync(downloader, progress, cancellationToken).ConfigureAwait(false);
        try
        {
            return new ModelOwningChatClient(model.CreateChatClient(CreateChatOptions()), model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The spec as it was given.</summary>
    /// <returns><see cref="Spec"/>.</returns>
    public override string ToString() => Spec;

    /// <summary>Splits a spec into the model file spec (for <see cref="ModelSource.Parse"/>) and the settings query.</summary>
    private static (string Source, string? Query) Split(string spec)
    {
        const string Local = "llama:";
        var body = spec.StartsWith(Local, StringComparison.OrdinalIgnoreCase) ? spec[Local.Length..] : spec;
        string? query = null;
        var pin = string.Empty;
        var marker = body.LastIndexOf(PinMarker, StringComparison.OrdinalIgnoreCase);
        if (marker >= 0)
        {
            pin = body[marker..];
            body = body[..marker];
            var afterPin = pin.IndexOf('?', StringComparison.Ordinal);
            if (afterPin >= 0)
            {
                query = pin[(afterPin + 1)..];
                pin = pin[..afterPin];
            }
        }

        if (query is null)
        {
            var question = body.LastIndexOf('?');
            if (question >= 0)
            {
                query = body[(question + 1)..];
                body = body[..question];
            }
        }

        var remote = body.StartsWith("hf:", StringComparison.OrdinalIgnoreCase)
            || body.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || body.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
        return ((remote ? body : Local + body) + pin, query);
    }
}
