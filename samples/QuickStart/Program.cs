// Declarative quick start: a typed signature, Predict and ChainOfThought, program state saved and reloaded,
// and the exact prompt that was sent.
using System.ComponentModel.DataAnnotations;
using Declarative;
using Declarative.Pipeline;
using Declarative.Runtime.LLama;
using Declarative.Testing;
using LLama.Native;
using Microsoft.Extensions.AI;

IChatClient backend;
string description;
try
{
    (backend, description) = await ChooseModelAsync();
}
catch (Exception ex) when (ex is FormatException or FileNotFoundException or InvalidDataException or ModelDownloadException)
{
    Console.Error.WriteLine($"DECLARATIVE_MODEL: {ex.Message}");
    return 2;
}

Console.WriteLine($"Model: {description}");

var usage = new UsageTracker();
var history = new CallHistory();
var cachePath = Path.Combine(Path.GetTempPath(), "declarative-quickstart", "cache.db");
using var cache = new SqliteChatCache(cachePath);
using var client = new ChatClientBuilder(backend)
    .UseHistory(history)
    .UseUsageTracking(usage)
    .UseSqliteCache(cache)
    .Build();
var context = new RunContext(client);

// 1. Predict: one call, typed in and typed out.
var triage = new Predict<TicketTriage>();
var ticket = new TicketTriage { Ticket = "Since this morning every customer gets a 500 error on the invoice page." };
var triaged = (await triage.InvokeAsync(ticket, context)).Value;
Console.WriteLine($"\nPredict<TicketTriage>: category={triaged.Category}, priority={triaged.Priority}, tags=[{string.Join(", ", triaged.Tags)}]");

// 2. ChainOfThought: the same signature style, with reasoning first.
var qa = new ChainOfThought<Question>();
var answered = await qa.InvokeAsync(new Question { Text = "What is the capital of France?" }, context);
Console.WriteLine($"\nChainOfThought<Question>: {answered.Value.Answer}");
Console.WriteLine($"  reasoning: {answered.Reasoning}");

// 3. Program state: give the predictor a demonstration, save it as JSON (DSPy's layout), load it into a fresh program.
var taught = triage.WithDemos([
    Example.Of(("ticket", "Login button does nothing on Safari."), ("category", Category.Bug), ("priority", 3), ("tags", new[] { "login", "safari" })),
]);
var statePath = Path.Combine(Path.GetTempPath(), "declarative-quickstart", "triage.json");
await taught.SaveAsync(statePath);
var reloaded = new Predict<TicketTriage>();
await reloaded.LoadAsync(statePath);
Console.WriteLine($"\nSaved the program state to {statePath} and loaded it back: {reloaded.Demos.Count} demonstration(s).");

// 4. The prompt that was sent last, as DSPy's inspect_history prints it.
Console.WriteLine("\nThe last call:" + history.Inspect(1).TrimEnd());
Console.WriteLine($"\nUsage: {usage.Total.Calls} model call(s), {usage.Total.CacheHits} from the cache, {usage.Total.TotalTokens} tokens.");
return 0;

static async Task<(IChatClient Client, string Description)> ChooseModelAsync()
{
    // A local GGUF model: DECLARATIVE_MODEL=llama:PATH.gguf, llama:hf:owner/repo/file.gguf or llama:https://…/file.gguf,
    // with settings such as ?ctx=8192&ngl=0 (the same specs as the declarative tool's --lm).
    if (Environment.GetEnvironmentVariable("DECLARATIVE_MODEL") is { Length: > 0 } spec)
    {
        var local = LlamaSpec.Parse(spec);
        NativeLogConfig.llama_log_set((level, message) =>
        {
            if (level == LLamaLogLevel.Error)
            {
                Console.Error.Write(message);
            }
        });
        var progress = new DownloadProgress(local.Source.FileName);
        var client = await local.LoadChatClientAsync(progress: progress);
        progress.EndLine();
        return (client, $"the local model {local.Source.FileName} through llama.cpp (from DECLARATIVE_MODEL)");
    }

    if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } key)
    {
        var model = Environment.GetEnvironmentVariable("OPENAI_MODEL") ?? "gpt-4o-mini";
        return (new OpenAI.Chat.ChatClient(model, key).AsIChatClient(), $"OpenAI {model} (from OPENAI_API_KEY)");
    }

    // No model configured: a scripted client answers as a well-behaved model would, so the sample runs offline.
    var scripted = new ScriptedChatClient()
        .When("invoice page", ("category", "Outage"), ("priority", 1), ("tags", new[] { "billing", "http-500" }))
        .When("capital of France", ("reasoning", "France's seat of government and largest city is Paris."), ("answer", "Paris"));
    return (scripted, "the scripted client (offline; set DECLARATIVE_MODEL=llama:PATH.gguf for a local model, or OPENAI_API_KEY for OpenAI)");
}

/// <summary>Shows a model download on one line of standard error.</summary>
internal sealed class DownloadProgress(string fileName) : IProgress<ModelDownloadProgress>
{
    private bool shown;

    public void Report(ModelDownloadProgress value)
    {
        Console.Error.Write($"\rdownloading {fileName}: {value.Fraction:P0} ({value.BytesReceived >> 20} MiB)   ");
        shown = true;
    }

    public void EndLine()
    {
        if (shown)
        {
            Console.Error.WriteLine();
        }
    }
}

/// <summary>Which queue a ticket belongs in.</summary>
public enum Category
{
    Bug,
    Outage,
    Question,
}

/// <summary>Triage a support ticket.</summary>
[Signature("Triage the support ticket: choose its category, a priority from 1 (highest) to 4, and short tags.")]
public partial class TicketTriage
{
    [Input]
    public string Ticket { get; set; } = "";

    [Output]
    public Category Category { get; set; }

    [Output]
    [Range(1, 4)]
    public int Priority { get; set; }

    [Output("a few lowercase keywords")]
    public List<string> Tags { get; set; } = [];
}

/// <summary>Answer a question in a few words.</summary>
[Signature("Answer the question in a few words.")]
public partial class Question
{
    [Input(Name = "question")]
    public string Text { get; set; } = "";

    [Output]
    public string Answer { get; set; } = "";
}
