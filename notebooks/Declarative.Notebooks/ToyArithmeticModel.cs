using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Declarative.Notebooks;

/// <summary>
/// An offline stand-in for a small model on an arithmetic task, for the optimization notebook: it answers
/// "What is A + B?" correctly when the prompt shows at least one worked demonstration (few-shot) or its instructions
/// tell it to carry digits, and otherwise only when the sum is below 10 — so demonstrations and instructions measurably
/// help, as they do for real small models. Asked anything else (an optimizer's instruction proposals, data summaries),
/// it fills each requested output field with a plausible sentence, proposing the carrying instruction. It replies in
/// the chat adapter's format and counts its calls.
/// </summary>
public sealed partial class ToyArithmeticModel : IChatClient
{
    private int calls;

    /// <summary>How many requests the model has answered.</summary>
    public int CallCount => calls;

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Interlocked.Increment(ref calls);
        var list = messages.ToList();
        var system = list.FirstOrDefault(m => m.Role == ChatRole.System)?.Text ?? string.Empty;
        var fields = OutputFields(system);
        if (!fields.Contains("answer"))
        {
            var other = string.Join("\n\n", fields.Select(f => $"[[ ## {f} ## ]]\n{Canned(f)}"));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, other + "\n\n[[ ## completed ## ]]")) { ModelId = "toy-arithmetic" });
        }

        var question = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        var match = Sum().Match(question);
        var fewShot = list.Any(m => m.Role == ChatRole.Assistant);
        string answer;
        if (!match.Success)
        {
            answer = "I don't know";
        }
        else
        {
            var a = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var b = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            var sum = a + b;
            answer = fewShot || sum < 10 || system.Contains(CarryInstruction, StringComparison.Ordinal)
                ? sum.ToString(CultureInfo.InvariantCulture)
                : (sum + 1).ToString(CultureInfo.InvariantCulture); // the classic off-by-one of a small model
        }

        var reply = $"[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]";
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)) { ModelId = "toy-arithmetic" });
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>The instruction the model proposes, and follows when it is in its prompt.</summary>
    public const string CarryInstruction = "Add the two numbers digit by digit, carrying tens.";

    private static List<string> OutputFields(string system)
    {
        var start = system.IndexOf("Your output fields are:", StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        var end = system.IndexOf("All interactions", start, StringComparison.Ordinal);
        var section = system[start..(end < 0 ? system.Length : end)];
        return [.. Field().Matches(section).Select(m => m.Groups[1].Value)];
    }

    private static string Canned(string field) => field switch
    {
        "proposed_instruction" or "new_instruction" => CarryInstruction,
        "proposed_prefix_for_output_field" => "Answer:",
        "advice" => CarryInstruction,
        _ => "Questions asking for the sum of two small positive integers; answers are the sums.",
    };

    [GeneratedRegex(@"^\d+\. `([A-Za-z_][A-Za-z0-9_]*)`", RegexOptions.Multiline)]
    private static partial Regex Field();

    [GeneratedRegex(@"What is (\d+) \+ (\d+)\?")]
    private static partial Regex Sum();
}
