using System.Text.Json.Nodes;
using Declarative.Values;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// Blocks completions whose SQL output field holds a statement a checker refuses, for any SQL-producing module (not only
/// <c>TextToSql</c>, which checks its own queries). Add it to <see cref="GuardOptions.AdditionalGuards"/>.
/// </summary>
/// <remarks>
/// The field is read from the chat adapter's <c>[[ ## field ## ]]</c> section or, for the JSON adapter, from the reply
/// object's property of that name; a Markdown code fence around the statement is removed first. A completion without
/// the field passes (it is not an SQL answer). The check is a delegate so this project needs no database provider:
/// with Declarative.Retrieval, pass <c>sql =&gt; { var r = checker.Check(sql); return (r.IsAllowed, r.Reason); }</c>
/// over an <c>SqlChecker</c> (read-only connection, authorizer, single statement). A refusal is a finding of kind
/// <c>sql.blocked</c> with the checker's reason, so the call fails with <see cref="GuardException"/> and the reason is
/// on the trace.
/// </remarks>
public sealed class SqlOutputGuard : IRequestGuard
{
    private readonly Func<string, (bool Allowed, string? Reason)> check;
    private readonly string field;

    /// <summary>Creates the guard.</summary>
    /// <param name="check">Says whether a statement may run, and why not.</param>
    /// <param name="field">The output field that holds the SQL (default <c>sql</c>).</param>
    public SqlOutputGuard(Func<string, (bool Allowed, string? Reason)> check, string field = "sql")
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentException.ThrowIfNullOrEmpty(field);
        this.check = check;
        this.field = field;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<GuardFinding>> CheckRequestAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<GuardFinding>>([]);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<GuardFinding>> CheckResponseAsync(ChatResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = response.Text;
        if (Extract(text) is not { } found)
        {
            return ValueTask.FromResult<IReadOnlyList<GuardFinding>>([]);
        }

        var (allowed, reason) = check(CodeFence.Strip(found.Sql));
        return ValueTask.FromResult<IReadOnlyList<GuardFinding>>(allowed
            ? []
            : [new GuardFinding("sql.blocked", found.Start, found.Sql.Length, reason ?? "the SQL checker refused the statement", field)]);
    }

    /// <summary>The first occurrence of <paramref name="header"/> from <paramref name="from"/> that only whitespace precedes on its line; -1 if none.</summary>
    private static int HeaderAt(string text, string header, int from)
    {
        for (var i = text.IndexOf(header, from, StringComparison.Ordinal); i >= 0; i = text.IndexOf(header, i + 1, StringComparison.Ordinal))
        {
            var lineStart = i == 0 ? 0 : text.LastIndexOf('\n', i - 1) + 1;
            if (string.IsNullOrWhiteSpace(text[lineStart..i]))
            {
                return i;
            }
        }

        return -1;
    }

    private (string Sql, int Start)? Extract(string text)
    {
        // As the chat adapter reads sections: a header counts only at the start of a line (an inline mention, or a header
        // written inside the SQL, neither starts nor ends the field).
        var marker = $"[[ ## {field} ## ]]";
        var at = HeaderAt(text, marker, 0);
        if (at >= 0)
        {
            var start = at + marker.Length;
            var end = HeaderAt(text, "[[ ##", start);
            var value = text[start..(end < 0 ? text.Length : end)];
            var trimmedStart = start + (value.Length - value.TrimStart().Length);
            return (value.Trim(), trimmedStart);
        }

        // A JSON reply, read as the JSON adapter reads it (code fence, Python literals, an object inside prose).
        var obj = LenientJson.ReadObject(text);
        if (obj is not null && obj.TryGetPropertyValue(field, out var node) && node is JsonValue json && json.TryGetValue<string>(out var sql))
        {
            return (sql, Math.Max(text.IndexOf(sql, StringComparison.Ordinal), 0));
        }

        return null;
    }
}
