namespace Declarative.Guards;

/// <summary>
/// Something a guard found in a text: what it is, where it is (UTF-16 offsets into the text that was scanned) and why
/// it matters. Findings never carry the matched text itself, so they are safe to log and trace.
/// </summary>
/// <param name="Kind">
/// A stable dotted name: <c>secret.openai</c>, <c>pii.email</c>, <c>injection.override</c>, <c>unicode.bidi</c>,
/// <c>limit.field_tokens</c>… (see the README for the list).
/// </param>
/// <param name="Start">The offset of the first character.</param>
/// <param name="Length">The number of characters.</param>
/// <param name="Reason">A short human-readable explanation.</param>
/// <param name="Field">The input field the text came from, when known.</param>
public sealed record GuardFinding(string Kind, int Start, int Length, string Reason, string? Field = null);
