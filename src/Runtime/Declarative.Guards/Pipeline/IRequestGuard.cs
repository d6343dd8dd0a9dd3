using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// The extension point of <see cref="GuardOptions.AdditionalGuards"/>: a check run on every request and every completion
/// that passes through <c>UseGuards</c>, after the built-in guards. Tool policies (allow-lists, approvals, argument
/// validation) and SQL permission checks plug in here. Any finding returned blocks the call with a
/// <see cref="GuardException"/>; return an empty list to let it through. Implementations must be thread-safe.
/// </summary>
public interface IRequestGuard
{
    /// <summary>Checks a request before it is sent.</summary>
    /// <param name="messages">The messages (after spotlighting and input redaction).</param>
    /// <param name="options">The request options (tools are in <see cref="ChatOptions.Tools"/>).</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>The findings that block the request; empty to allow it.</returns>
    ValueTask<IReadOnlyList<GuardFinding>> CheckRequestAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken);

    /// <summary>Checks a completion (function calls included) before it is returned.</summary>
    /// <param name="response">The completion.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>The findings that block the completion; empty to allow it.</returns>
    ValueTask<IReadOnlyList<GuardFinding>> CheckResponseAsync(ChatResponse response, CancellationToken cancellationToken);
}
