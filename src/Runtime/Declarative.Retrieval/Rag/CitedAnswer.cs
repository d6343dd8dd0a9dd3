using System.Text.RegularExpressions;

namespace Declarative.Retrieval;

/// <summary>
/// A two-stage answer with citations: first an LM extracts the facts relevant to the question from the passages (each
/// passage is shown with its chunk id in square brackets, and each fact must end with the id it comes from), then it
/// answers from those facts alone and lists the ids it relied on. Citations are checked against the passages shown:
/// ids that were not shown are reported in <see cref="CitedAnswerResult.UnknownCitations"/>, never silently kept or dropped.
/// </summary>
public sealed partial class CitedAnswer : Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="budget">A token budget for the passages; <see langword="null"/> to show them all.</param>
    public CitedAnswer(ContextBudget? budget = null) => Budget = budget;

    /// <summary>The token budget, or <see langword="null"/>.</summary>
    public ContextBudget? Budget { get; }

    /// <summary>The first stage: passages to facts with citations.</summary>
    /// <remarks>The passages are an untrusted input: under <c>UseGuards</c> they are spotlighted and scanned for injection.</remarks>
    public Predict Extract { get; } = new(Signature.Parse(
        "question, passages: list[str] -> facts: list[str]",
        "From the passages, extract the facts needed to answer the question, leaving out passages that are not relevant. Each passage starts with its id in square brackets; end every fact with the id of the passage it comes from, in square brackets.")
        .WithField("passages", f => f with { Untrusted = true }));

    /// <summary>The second stage: facts to an answer and the ids it relies on.</summary>
    /// <remarks>The facts come from the passages and stay untrusted (an instruction copied into a fact is still data).</remarks>
    public Predict Answer { get; } = new(Signature.Parse(
        "question, facts: list[str] -> answer, citations: list[str]",
        "Answer the question using only the facts. In citations, list the passage ids (the bracketed ids at the end of the facts) that the answer relies on.")
        .WithField("facts", f => f with { Untrusted = true }));

    /// <summary>Extracts facts, then answers.</summary>
    /// <param name="question">The question.</param>
    /// <param name="passages">The retrieved passages.</param>
    /// <param name="context">The LM context.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The answer, the facts, the citations and what the budget kept and dropped.</returns>
    public async Task<CitedAnswerResult> InvokeAsync(string question, IReadOnlyList<Passage> passages, RunContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(passages);
        ArgumentNullException.ThrowIfNull(context);
        var fitted = Budget?.Fit(passages) ?? new BudgetedContext(passages, [], 0, 0);
        var shown = fitted.Included.Select(p => $"[{p.Id}] {p.Text}").ToList();
        var extracted = await Extract.InvokeAsync(new Dictionary<string, object?> { ["question"] = question, ["passages"] = shown }, context, cancellationToken: cancellationToken).ConfigureAwait(false);
        var facts = RagValues.Strings(extracted["facts"]);
        var answered = await Answer.InvokeAsync(new Dictionary<string, object?> { ["question"] = question, ["facts"] = facts.ToList() }, context, cancellationToken: cancellationToken).ConfigureAwait(false);

        // The LM's own list; when it gave none, the ids cited at the ends of the facts.
        var cited = RagValues.Strings(answered["citations"]).Select(c => c.Trim().TrimStart('[').TrimEnd(']').Trim()).Where(c => c.Length > 0).ToList();
        if (cited.Count == 0)
        {
            cited = facts.SelectMany(f => Bracketed().Matches(f).Select(m => m.Groups[1].Value.Trim())).ToList();
        }

        var known = fitted.Included.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var distinct = cited.Distinct(StringComparer.Ordinal).ToList();
        return new CitedAnswerResult(
            answered["answer"]?.ToString() ?? string.Empty,
            facts,
            distinct.Where(known.Contains).ToArray(),
            distinct.Where(c => !known.Contains(c)).ToArray(),
            fitted);
    }

    [GeneratedRegex(@"\[([^\[\]]+)\]")]
    private static partial Regex Bracketed();
}

/// <summary>What <see cref="CitedAnswer"/> produced.</summary>
/// <param name="Answer">The answer.</param>
/// <param name="Facts">The facts extracted in the first stage.</param>
/// <param name="Citations">The cited chunk ids that were among the passages shown, in the order cited.</param>
/// <param name="UnknownCitations">Cited ids that were not among the passages shown (a hallucinated or mistyped citation).</param>
/// <param name="Context">The passages shown and those the budget dropped.</param>
public sealed record CitedAnswerResult(string Answer, IReadOnlyList<string> Facts, IReadOnlyList<string> Citations, IReadOnlyList<string> UnknownCitations, BudgetedContext Context);
