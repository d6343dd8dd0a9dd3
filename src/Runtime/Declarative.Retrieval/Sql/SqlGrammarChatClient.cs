using Declarative.Grammars;
using Microsoft.Extensions.AI;

namespace Declarative.Retrieval.Sql;

/// <summary>
/// Puts the SQL reply grammar on a request in place of the ChatAdapter's generic one (under
/// <see cref="OptionKeys.Grammar"/>), so a backend that enforces grammars can only write a query over the schema.
/// Requests in another format (the JSON adapter's) keep their grammar; the checker guards those.
/// </summary>
internal sealed class SqlGrammarChatClient(IChatClient inner, Grammar chatReplyGrammar) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, WithGrammar(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, WithGrammar(options), cancellationToken);

    private ChatOptions? WithGrammar(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(OptionKeys.Grammar, out var value) != true || value is not OutputGrammar { Format: "chat" })
        {
            return options;
        }

        var copy = options.Clone();
        copy.AdditionalProperties = new AdditionalPropertiesDictionary(options.AdditionalProperties) { [OptionKeys.Grammar] = chatReplyGrammar };
        return copy;
    }
}
