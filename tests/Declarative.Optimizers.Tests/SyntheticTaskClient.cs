using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

/// <summary>
/// A scripted model for a synthetic task (<c>question -> answer</c>, where the right answer to <c>qN</c> is <c>aN</c>):
/// it answers right only when the prompt holds <see cref="Magic"/> (in the instructions or anywhere else) or a demo for
/// <see cref="KeyQuestion"/>, and wrong ("wrong") otherwise. Every other request is a proposal: each of its output
/// fields gets <c>Proposals[k % Proposals.Count]</c>, where k is the completion index plus the numbers in the request's
/// rollout id (so the n completions of one request, and numbered requests, walk through the list).
/// </summary>
internal sealed partial class SyntheticTaskClient : IChatClient
{
    /// <summary>The phrase that makes the model right.</summary>
    public const string Magic = "Answer with the letter a followed by the question's number.";

    private int taskCalls;
    private int proposalCalls;

    public SyntheticTaskClient(params string[] proposals) => Proposals = proposals;

    public IReadOnlyList<string> Proposals { get; }

    /// <summary>A question whose presence among the demos makes the model right; <see langword="null"/> for none.</summary>
    public string? KeyQuestion { get; init; }

    /// <summary>Whether the model is also right when sampled at temperature 1 (as SIMBA's resampling models are).</summary>
    public bool RightWhenSampled { get; init; }

    public int TaskCalls => Volatile.Read(ref taskCalls);

    public int ProposalCalls => Volatile.Read(ref proposalCalls);

    /// <summary>The proposal requests' texts (user messages), in no particular order.</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> ProposalRequests { get; } = [];

    public static List<Example> Examples(int n, int from = 0) =>
        Enumerable.Range(from, n).Select(i => Example.Of(("question", $"q{i}"), ("answer", $"a{i}")).WithInputs("question")).ToList();

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var system = list[0].Text;
        var outputs = OutputFields(system);
        Dictionary<string, object?> reply;
        if (outputs.SequenceEqual(["answer"]))
        {
            Interlocked.Increment(ref taskCalls);
            var question = QuestionPattern().Match(list[^1].Text).Groups[1].Value;
            var demos = list.Skip(1).Take(list.Count - 2).Select(m => m.Text);
            var right = (RightWhenSampled && options?.Temperature is 1.0f) || list.Any(m => m.Text.Contains(Magic, StringComparison.Ordinal))
                || (KeyQuestion is not null && demos.Any(t => t.Contains($"[[ ## question ## ]]\n{KeyQuestion}\n", StringComparison.Ordinal) || t.EndsWith($"[[ ## question ## ]]\n{KeyQuestion}", StringComparison.Ordinal)));
            reply = new() { ["answer"] = right ? "a" + question[1..] : "wrong" };
        }
        else
        {
            Interlocked.Increment(ref proposalCalls);
            ProposalRequests.Add(list[^1].Text);
            var k = options?.AdditionalProperties?.TryGetValue(OptionKeys.CompletionIndex, out var c) == true ? Convert.ToInt32(c, CultureInfo.InvariantCulture) : 0;
            if (options?.AdditionalProperties?.TryGetValue(OptionKeys.RolloutId, out var r) == true)
            {
                k += Numbers().Matches(r as string ?? string.Empty).Sum(m => int.Parse(m.Value, CultureInfo.InvariantCulture));
            }

            var text = Proposals[k % Proposals.Count];
            reply = outputs.ToDictionary(o => o, o => (object?)(o.Contains("prefix", StringComparison.Ordinal) ? "Answer:" : text));
        }

        var completion = ChatAdapter.Default.FormatReply(reply);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, completion)) { FinishReason = ChatFinishReason.Stop });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static List<string> OutputFields(string system)
    {
        var start = system.IndexOf("Your output fields are:", StringComparison.Ordinal);
        var end = system.IndexOf("All interactions", StringComparison.Ordinal);
        var section = system[start..(end > start ? end : system.Length)];
        return FieldPattern().Matches(section).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"\d+\.\s+`(\w+)`")]
    private static partial Regex FieldPattern();

    [GeneratedRegex(@"\[\[ ## question ## \]\]\n(\S+)")]
    private static partial Regex QuestionPattern();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();
}
