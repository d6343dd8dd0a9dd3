using BenchmarkDotNet.Attributes;

namespace Declarative.Benchmarks;

/// <summary>
/// Framework overhead of one typed call with an instant in-process client: format (system message, demos, request) +
/// pipeline + parse into the typed result. Cache off; warm.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FrameworkOverheadBenchmarks
{
    private readonly Predict<QuestionAnswer> predict = new();
    private readonly ChainOfThought<Triage> chainOfThought = new();
    private readonly QuestionAnswer question = new() { Question = "What is the capital of France?" };
    private readonly Triage ticket = new() { Ticket = "The invoice page returns a 500 error for every customer since this morning." };
    private RunContext predictContext = null!;
    private RunContext chainContext = null!;

    [GlobalSetup]
    public void Setup()
    {
        predictContext = new RunContext(new InstantChatClient("[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]\n"));
        chainContext = new RunContext(new InstantChatClient(
            "[[ ## reasoning ## ]]\nEvery customer is affected and payments fail, so this is an urgent billing outage.\n\n"
            + "[[ ## priority ## ]]\n1\n\n"
            + "[[ ## urgent ## ]]\nTrue\n\n"
            + "[[ ## tags ## ]]\n[\"billing\", \"http-500\", \"all-customers\"]\n\n"
            + "[[ ## category ## ]]\nOutage\n\n"
            + "[[ ## assignee ## ]]\n{\"team\": \"payments\", \"level\": 2}\n\n"
            + "[[ ## summary ## ]]\nInvoice page fails with HTTP 500 for all customers.\n\n"
            + "[[ ## completed ## ]]\n"));
        Check();
    }

    [Benchmark(Description = "Predict<QuestionAnswer>")]
    public Task<Prediction<QuestionAnswer>> PredictQuestionAnswer() => predict.InvokeAsync(question, predictContext);

    [Benchmark(Description = "ChainOfThought<Triage> (6 typed outputs)")]
    public Task<Prediction<Triage>> ChainOfThoughtSixOutputs() => chainOfThought.InvokeAsync(ticket, chainContext);

    private void Check()
    {
        var a = PredictQuestionAnswer().GetAwaiter().GetResult().Value;
        var t = ChainOfThoughtSixOutputs().GetAwaiter().GetResult().Value;
        if (a.Answer != "Paris" || t.Priority != 1 || !t.Urgent || t.Tags.Count != 3 || t.Category != Category.Outage || t.Assignee.Level != 2)
        {
            throw new InvalidOperationException("The benchmark's calls do not parse as expected.");
        }
    }
}
