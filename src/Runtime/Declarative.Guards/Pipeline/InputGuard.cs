using System.Text;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// The input side of the guards: limits, normalization and spotlighting of untrusted fields, injection detection,
/// input redaction. Produces the rewritten messages and the findings per stage.
/// </summary>
internal sealed class InputGuard(GuardOptions options, KeyRateLimiter limiter)
{
    public async Task<InputResult> InspectAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? chatOptions, CancellationToken cancellationToken)
    {
        // A request cancelled before it is inspected reaches nothing: it must not take from the key's allowance.
        cancellationToken.ThrowIfCancellationRequested();
        var key = options.KeySelector(chatOptions);
        var limits = new List<GuardFinding>();
        // Tool results are part of what is sent (often the largest part: a fetched page, a query's rows), so they count.
        var toolResults = ToolResults(messages);
        var total = messages.Sum(m => options.TokenCounter(m.Text)) + toolResults.Sum(r => options.TokenCounter(r.Text));
        if (options.MaxInputTokens is { } maxInput && total > maxInput)
        {
            limits.Add(new GuardFinding("limit.input_tokens", 0, 0, $"the request holds {total} tokens, over GuardOptions.MaxInputTokens = {maxInput}"));
        }

        var untrusted = Untrusted(chatOptions);
        var structured = chatOptions?.AdditionalProperties?.TryGetValue(OptionKeys.StructuredFields, out var layout) == true
            ? layout as IReadOnlyDictionary<string, IReadOnlyList<string>>
            : null;
        var fields = chatOptions?.AdditionalProperties?.TryGetValue(OptionKeys.InputFields, out var declared) == true && declared is IEnumerable<string> names
            ? names.ToHashSet(StringComparer.Ordinal)
            : null;
        var texts = new List<(int Message, int Content, InputSections.Section Section, bool Untrusted)>();
        for (var m = 0; m < messages.Count; m++)
        {
            if (messages[m].Role != ChatRole.User)
            {
                continue;
            }

            for (var c = 0; c < messages[m].Contents.Count; c++)
            {
                if (messages[m].Contents[c] is not TextContent { Text: { } text })
                {
                    continue;
                }

                var sections = InputSections.Parse(text, fields);
                var whole = sections.Count == 0;
                if (whole)
                {
                    sections.Add(new InputSections.Section("(message)", 0, text.Length));
                }

                foreach (var section in sections)
                {
                    texts.Add((m, c, section, untrusted.Contains("*") || (!whole && untrusted.Contains(section.Name))));
                    var limit = options.FieldTokenLimits.TryGetValue(section.Name, out var l) ? l : options.MaxFieldTokens;
                    var tokens = options.TokenCounter(text.Substring(section.Start, section.Length));
                    if (limit is { } max && tokens > max)
                    {
                        limits.Add(new GuardFinding("limit.field_tokens", section.Start, section.Length, $"field '{section.Name}' holds {tokens} tokens, over its limit of {max}", section.Name));
                    }
                }
            }
        }

        // A request refused for its size reaches nothing, so it uses up none of the key's allowance.
        if (limits.Count == 0 && limiter.TryAcquire(key, total) is { } rate)
        {
            limits.Add(rate);
        }

        if (limits.Count > 0)
        {
            return new InputResult(messages, key, 0, [], limits);
        }

        // Normalize untrusted values, then score every value to be scanned in one batch.
        var values = new string[texts.Count];
        var findings = new List<GuardFinding>();
        for (var i = 0; i < texts.Count; i++)
        {
            var (m, c, section, isUntrusted) = texts[i];
            var raw = ((TextContent)messages[m].Contents[c]).Text.Substring(section.Start, section.Length);
            if (isUntrusted)
            {
                var normalized = TextNormalizer.Normalize(raw);
                findings.AddRange(normalized.Removed.Select(f => f with { Field = section.Name }));
                raw = normalized.Text;
            }

            values[i] = raw;
        }

        // Tool results (a tool message's FunctionResultContent, as an invoker or the application sends them back) are
        // untrusted data, always scanned; they are not rewritten (a result is the tool's value, not prose to mark up).
        var scanned = Enumerable.Range(0, texts.Count).Where(i => texts[i].Untrusted || options.ScanTrustedInputs).ToArray();
        var reports = await options.Detector.DetectAsync(
            [.. scanned.Select(i => structured?.TryGetValue(texts[i].Section.Name, out var names) == true ? InputSections.Unstructure(values[i], names) : values[i]),
                .. toolResults.Select(r => r.Text)], // raw: the detector normalizes and weighs hidden tag text itself
            k => k >= scanned.Length || texts[scanned[k]].Untrusted,
            cancellationToken).ConfigureAwait(false);
        double score = 0;
        var toolInjected = false;
        for (var k = 0; k < reports.Count; k++)
        {
            // A directive about the answer is the user's own request in a trusted input, an injection only inside data.
            var isTool = k >= scanned.Length;
            var report = isTool || texts[scanned[k]].Untrusted ? reports[k] : reports[k].ForTrustedText();
            score = Math.Max(score, report.Score);
            var flagged = report.Score >= options.InjectionThreshold;
            if (isTool)
            {
                toolInjected |= flagged; // a tool result is not rewritten: what scored it (hidden text included) reaches the model
                findings.AddRange(ToolResultText.Findings(report, flagged, toolResults[k - scanned.Length].Tool));
            }
            else if (flagged)
            {
                var name = texts[scanned[k]].Section.Name;
                var found = report.Findings.Where(f => !f.Kind.StartsWith("unicode.", StringComparison.Ordinal)).Select(f => f with { Field = name }).ToList();
                if (found.Count == 0 && report.ClassifierScore >= options.InjectionThreshold)
                {
                    // An InjectionThreshold below 0.5 reached by the classifier alone, which reports a finding from 0.5 only.
                    found.Add(new GuardFinding("injection.classifier", 0, values[scanned[k]].Length,
                        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"classifier score {report.ClassifierScore:0.00#}, at or above InjectionThreshold {options.InjectionThreshold:0.00#}"), name));
                }

                findings.AddRange(found);
            }
        }

        var injection = toolInjected || findings.Any(f => !f.Kind.StartsWith("unicode.", StringComparison.Ordinal));
        var rewritten = Rewrite(messages, texts, values, out var redactions);
        findings.AddRange(redactions);
        return new InputResult(rewritten, key, score, findings, [], injection);
    }

    /// <summary>
    /// The text of each tool result in the request, with the tool of the call it answers (its call id when no call in the
    /// request has that id).
    /// </summary>
    private static List<(string Tool, string Text)> ToolResults(IReadOnlyList<ChatMessage> messages)
    {
        var results = new List<(string Tool, string Text)>();
        Dictionary<string, string>? calls = null;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent call)
                {
                    (calls ??= new(StringComparer.Ordinal))[call.CallId] = call.Name;
                }
                else if (content is FunctionResultContent { Result: { } value } result && ToolResultText.Of(value) is { Length: > 0 } text)
                {
                    results.Add((calls?.GetValueOrDefault(result.CallId) ?? result.CallId, text));
                }
            }
        }

        return results;
    }

    private HashSet<string> Untrusted(ChatOptions? chatOptions)
    {
        var set = new HashSet<string>(options.UntrustedFields, StringComparer.Ordinal);
        if (chatOptions?.AdditionalProperties?.TryGetValue(GuardOptions.UntrustedFieldsKey, out var extra) == true)
        {
            UntrustedInputs.ReadNames(extra, set, "which names no input field, so the guard cannot tell which fields to treat as untrusted");
        }

        return set;
    }

    private List<ChatMessage> Rewrite(IReadOnlyList<ChatMessage> messages, List<(int Message, int Content, InputSections.Section Section, bool Untrusted)> texts, string[] values, out List<GuardFinding> redactions)
    {
        redactions = [];
        var result = messages.ToList();
        string? id = null;
        foreach (var group in Enumerable.Range(0, texts.Count).GroupBy(i => (texts[i].Message, texts[i].Content)))
        {
            var (m, c) = group.Key;
            var original = ((TextContent)messages[m].Contents[c]).Text;
            var sb = new StringBuilder(original.Length + 64);
            var at = 0;
            var changed = false;
            foreach (var i in group.OrderBy(i => texts[i].Section.Start))
            {
                var section = texts[i].Section;
                var value = values[i];
                if (options.RedactInputs)
                {
                    var found = Scan(value);
                    if (found.Count > 0)
                    {
                        redactions.AddRange(found.Select(f => f with { Field = section.Name }));
                        value = Redactor.Redact(value, found);
                    }
                }

                if (texts[i].Untrusted)
                {
                    id ??= Spotlight.NewId(options.MarkerRandom);
                    value = Spotlight.Wrap(value, id, options.Spotlight);
                }

                changed |= !string.Equals(value, original.Substring(section.Start, section.Length), StringComparison.Ordinal);
                sb.Append(original, at, section.Start - at).Append(value);
                at = section.Start + section.Length;
            }

            if (!changed)
            {
                continue;
            }

            sb.Append(original, at, original.Length - at);
            var message = result[m].Clone();
            message.Contents = [.. message.Contents];
            message.Contents[c] = new TextContent(sb.ToString());
            result[m] = message;
        }

        if (id is not null)
        {
            var explanation = Spotlight.Instructions(id, options.Spotlight);
            if (result.Count > 0 && result[0].Role == ChatRole.System)
            {
                var system = result[0].Clone();
                system.Contents = [.. system.Contents, new TextContent("\n\n" + explanation)];
                result[0] = system;
            }
            else
            {
                result.Insert(0, new ChatMessage(ChatRole.System, explanation));
            }
        }

        return result;
    }

    public IReadOnlyList<GuardFinding> Scan(string text)
    {
        var found = SensitiveDataScanner.Scan(text, options.DetectSecrets, options.DetectPii);
        return options.IgnoredKinds.Count == 0 ? found : found.Where(f => !options.IgnoredKinds.Contains(f.Kind)).ToArray();
    }
}

/// <summary>What the input guard decided.</summary>
internal sealed record InputResult(IReadOnlyList<ChatMessage> Messages, string Key, double Score, IReadOnlyList<GuardFinding> Findings, IReadOnlyList<GuardFinding> LimitFindings, bool Injection = false);
