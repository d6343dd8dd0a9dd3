using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Declarative.Notebooks;

/// <summary>
/// An offline stand-in for a small model on an arithmetic task, for the optimization notebook: it answers
/// "What is A + B?" correctly when the prompt shows at least one worked demonstration (few-shot), and zero-shot only when
/// the sum is below 10 — so demonstrations measurably help, as they do for real small models. It replies in the chat
/// adapter's format and counts its calls.
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
            answer = fewShot || sum < 10
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

    [GeneratedRegex(@"What is (\d+) \+ (\d+)\?")]
    private static partial Regex Sum();
}
