using System.Numerics.Tensors;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Declarative.Retrieval;

/// <summary>
/// LM-judged RAG metrics in the style of RAGAS (Es et al., 2023): context precision and recall, faithfulness and
/// answer relevancy. Each metric asks the judge LM for one verdict per item and computes the score from the verdicts
/// (never asks the LM for a number), and returns the items and verdicts with the score.
/// </summary>
public sealed partial class RagasJudge : Module
{
    /// <summary>Judges whether one retrieved context was useful for the reference answer.</summary>
    public Predict ContextUseful { get; } = new(Signature.Parse(
        "question, reference, context -> useful: bool",
        "Given the question and its reference answer, decide whether the context was useful in arriving at the answer."));

    /// <summary>Judges which reference statements the contexts support.</summary>
    public Predict Attribution { get; } = new(Signature.Parse(
        "contexts: list[str], statements: list[str] -> attributed: list[bool]",
        "For each statement, in order, decide whether it can be attributed to the contexts. Give exactly one verdict per statement."));

    /// <summary>Breaks an answer into standalone claims.</summary>
    public Predict Claims { get; } = new(Signature.Parse(
        "question, answer -> claims: list[str]",
        "Break the answer into short standalone claims, each understandable without the others. Leave out nothing the answer asserts."));

    /// <summary>Judges which claims the contexts support.</summary>
    public Predict Support { get; } = new(Signature.Parse(
        "contexts: list[str], claims: list[str] -> supported: list[bool]",
        "For each claim, in order, decide whether it can be directly inferred from the contexts. Give exactly one verdict per claim."));

    /// <summary>Writes questions that an answer would answer, and flags evasive answers.</summary>
    public Predict Questions { get; } = new(Signature.Parse(
        "answer -> questions: list[str], noncommittal: bool",
        "Write three questions that this answer answers. Set noncommittal to true if the answer is evasive, vague or says it does not know."));

    /// <summary>
    /// Context precision: the mean of precision@i over the ranks i of useful contexts, i.e. whether useful contexts are
    /// ranked above useless ones. One judge call per context.
    /// </summary>
    /// <param name="question">The question.</param>
    /// <param name="reference">The reference (ground-truth) answer.</param>
    /// <param name="contexts">The retrieved contexts, best first.</param>
    /// <param name="context">The judge LM context.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The score (0 when no context is useful; NaN for no contexts) and the verdict per context.</returns>
    public async Task<JudgedScore> ContextPrecisionAsync(string question, string reference, IReadOnlyList<string> contexts, RunContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        var verdicts = new bool[contexts.Count];
        for (var i = 0; i < contexts.Count; i++)
        {
            var p = await ContextUseful.InvokeAsync(Inputs(("question", question), ("reference", reference), ("context", contexts[i])), context, cancellationToken: cancellationToken).ConfigureAwait(false);
            verdicts[i] = ToBool(p["useful"]);
        }

        if (contexts.Count == 0)
        {
            return new JudgedScore(double.NaN, [], []);
        }

        double sum = 0, useful = 0;
        for (var i = 0; i < verdicts.Length; i++)
        {
            if (verdicts[i])
            {
                useful++;
                sum += useful / (i + 1);
            }
        }

        return new JudgedScore(useful > 0 ? sum / useful : 0, contexts, verdicts);
    }

    /// <summary>Context recall: the share of the reference answer's sentences that the contexts support.</summary>
    /// <param name="reference">The reference answer (split into sentences here).</param>
    /// <param name="contexts">The retrieved contexts.</param>
    /// <param name="context">The judge LM context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The score and the verdict per reference sentence.</returns>
    /// <exception cref="JudgeReplyException">The judge gave a different number of verdicts than sentences.</exception>
    public async Task<JudgedScore> ContextRecallAsync(string reference, IReadOnlyList<string> contexts, RunContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var statements = Sentence().Matches(reference).Select(m => m.Value.Trim()).Where(s => s.Length > 0).ToList();
        return await VerdictsAsync(Attribution, "statements", statements, "attributed", contexts, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Faithfulness: the share of the answer's claims that the contexts support (two judge calls).</summary>
    /// <param name="question">The question.</param>
    /// <param name="answer">The answer under test.</param>
    /// <param name="contexts">The contexts the answer was written from.</param>
    /// <param name="context">The judge LM context.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The score (NaN when the answer makes no claim) and the verdict per claim.</returns>
    /// <exception cref="JudgeReplyException">The judge gave a different number of verdicts than claims.</exception>
    public async Task<JudgedScore> FaithfulnessAsync(string question, string answer, IReadOnlyList<string> contexts, RunContext context, CancellationToken cancellationToken = default)
    {
        var p = await Claims.InvokeAsync(Inputs(("question", question), ("answer", answer)), context, cancellationToken: cancellationToken).ConfigureAwait(false);
        var claims = RagValues.Strings(p["claims"]).Where(c => !string.IsNullOrWhiteSpace(c)).ToList();
        return await VerdictsAsync(Support, "claims", claims, "supported", contexts, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Answer relevancy: the judge writes questions the answer would answer; the score is the mean cosine similarity of
    /// their embeddings to the question's, and 0 when the judge finds the answer noncommittal.
    /// </summary>
    /// <param name="question">The question.</param>
    /// <param name="answer">The answer under test.</param>
    /// <param name="embedder">The embedding generator.</param>
    /// <param name="context">The judge LM context.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The score (NaN when the judge wrote no question) and the generated questions.</returns>
    public async Task<JudgedScore> AnswerRelevancyAsync(string question, string answer, IEmbeddingGenerator<string, Embedding<float>> embedder, RunContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(embedder);
        var p = await Questions.InvokeAsync(Inputs(("answer", answer)), context, cancellationToken: cancellationToken).ConfigureAwait(false);
        var generated = RagValues.Strings(p["questions"]).Where(q => !string.IsNullOrWhiteSpace(q)).ToList();
        if (generated.Count == 0)
        {
            return new JudgedScore(double.NaN, [], []);
        }

        if (ToBool(p["noncommittal"]))
        {
            return new JudgedScore(0, generated, generated.Select(_ => false).ToArray());
        }

        var embeddings = await embedder.GenerateAsync([question, .. generated], cancellationToken: cancellationToken).ConfigureAwait(false);
        var target = embeddings[0].Vector;
        var mean = embeddings.Skip(1).Average(e => TensorPrimitives.CosineSimilarity(target.Span, e.Vector.Span));
        return new JudgedScore(Math.Clamp(mean, 0, 1), generated, generated.Select(_ => true).ToArray());
    }

    private static async Task<JudgedScore> VerdictsAsync(Predict judge, string itemsField, List<string> items, string verdictField, IReadOnlyList<string> contexts, RunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        if (items.Count == 0)
        {
            return new JudgedScore(double.NaN, [], []);
        }

        var p = await judge.InvokeAsync(Inputs(("contexts", contexts.ToList()), (itemsField, items)), context, cancellationToken: cancellationToken).ConfigureAwait(false);
        var verdicts = p[verdictField] is IEnumerable<object?> values ? values.Select(ToBool).ToArray() : [];
        if (verdicts.Length != items.Count)
        {
            throw new JudgeReplyException($"The judge gave {verdicts.Length} {verdictField} verdicts for {items.Count} {itemsField}; it must give one per item, in order. Use a stronger judge model or retry.");
        }

        return new JudgedScore(verdicts.Count(v => v) / (double)items.Count, items, verdicts);
    }

    private static bool ToBool(object? value) => value switch
    {
        bool b => b,
        string s => bool.TryParse(s.Trim(), out var b) ? b : s.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static Dictionary<string, object?> Inputs(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    [GeneratedRegex(@"[^.!?。！？\n]+[.!?。！？]*")]
    private static partial Regex Sentence();
}
