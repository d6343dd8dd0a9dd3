namespace Declarative;

/// <summary>
/// Compares M reasoning attempts and writes a corrected answer (DSPy's <c>dspy.MultiChainComparison</c>): each
/// attempt is shown as an input <c>reasoning_attempt_i</c> ("«I'm trying to {rationale} I'm not sure but my prediction
/// is {answer}»"), and the predictor writes a <c>rationale</c> before the signature's outputs. Its predictor is named
/// <c>predict</c>, as in DSPy.
/// </summary>
public sealed class MultiChainComparison : Module
{
    /// <summary>The name of the corrected reasoning output.</summary>
    public const string RationaleField = "rationale";

    private readonly Predict predict;

    /// <summary>Creates the module.</summary>
    /// <param name="signature">The task's signature; it must have an output field.</param>
    /// <param name="m">How many attempts are compared (DSPy's <c>M</c>, default 3).</param>
    /// <param name="temperature">The temperature of the comparison call (default 0.7, as DSPy), unless a call sets one.</param>
    public MultiChainComparison(Signature signature, int m = 3, float temperature = 0.7f)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        if (signature.OutputFields.Count == 0)
        {
            throw new SignatureException($"Signature '{signature.Name}' has no output field; MultiChainComparison compares the attempts' last output.");
        }

        M = m;
        Temperature = temperature;
        LastOutput = signature.OutputFields[^1].Name;
        var extended = signature;
        for (var i = 1; i <= m; i++)
        {
            extended = extended.Append(new Field($"reasoning_attempt_{i}", FieldRole.Input) { Prefix = $"Student Attempt #{i}:", Description = "${reasoning attempt}" });
        }

        extended = extended.Prepend(new Field(RationaleField, FieldRole.Output)
        {
            Prefix = "Accurate Reasoning: Thank you everyone. Let's now holistically",
            Description = "${corrected reasoning}",
        });
        predict = new Predict(extended);
    }

    /// <summary>Creates the module for a string signature such as <c>"question -> answer"</c>.</summary>
    /// <param name="signature">The signature text.</param>
    /// <param name="m">How many attempts are compared.</param>
    /// <param name="temperature">The temperature of the comparison call.</param>
    public MultiChainComparison(string signature, int m = 3, float temperature = 0.7f)
        : this(Signature.Parse(signature), m, temperature)
    {
    }

    /// <summary>How many attempts are compared.</summary>
    public int M { get; }

    /// <summary>The temperature of the comparison call, unless the call's settings give one.</summary>
    public float Temperature { get; }

    /// <summary>The output whose value each attempt reports (the signature's last output).</summary>
    public string LastOutput { get; }

    /// <summary>The comparison predictor.</summary>
    public Predict Predictor => predict;

    /// <summary>Compares the attempts and answers.</summary>
    /// <param name="completions">Exactly <see cref="M"/> attempts, each with a <c>rationale</c> or <c>reasoning</c> value and the last output.</param>
    /// <param name="inputs">The task's inputs.</param>
    /// <param name="context">The run context.</param>
    /// <param name="settings">Settings for the call (temperature defaults to <see cref="Temperature"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The prediction with <c>rationale</c> and the outputs.</returns>
    /// <exception cref="ArgumentException">The number of attempts is not <see cref="M"/>, or an attempt lacks its reasoning or answer.</exception>
    public Task<Prediction> InvokeAsync(IReadOnlyList<IReadOnlyDictionary<string, object?>> completions, IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completions);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        if (completions.Count != M)
        {
            throw new ArgumentException($"Got {completions.Count} attempts but M is {M}; pass exactly M completions or create the module with m: {completions.Count}.", nameof(completions));
        }

        var all = new Dictionary<string, object?>(inputs);
        for (var i = 0; i < completions.Count; i++)
        {
            all[$"reasoning_attempt_{i + 1}"] = Attempt(completions[i], i);
        }

        var merged = (settings ?? new CallSettings()) with { Temperature = settings?.Temperature ?? context.Defaults?.Temperature ?? Temperature };
        return predict.InvokeAsync(all, context, merged, cancellationToken);
    }

    /// <summary>Runs a module M times with distinct rollout ids and compares its attempts.</summary>
    /// <param name="student">The module producing attempts (for example a <see cref="ChainOfThought"/>).</param>
    /// <param name="inputs">The task's inputs.</param>
    /// <param name="context">The run context.</param>
    /// <param name="settings">Settings for every call.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The comparison's prediction.</returns>
    public async Task<Prediction> InvokeAsync(IInvokableModule student, IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        var baseRollout = settings?.RolloutId ?? context.Defaults?.RolloutId;
        var attempts = new List<IReadOnlyDictionary<string, object?>>(M);
        for (var i = 0; i < M; i++)
        {
            var attemptSettings = (settings ?? new CallSettings()) with { RolloutId = Rollouts.RolloutId(baseRollout, i) };
            attempts.Add((await student.InvokeAsync(inputs, context, attemptSettings, cancellationToken).ConfigureAwait(false)).Values);
        }

        return await InvokeAsync(attempts, inputs, context, settings, cancellationToken).ConfigureAwait(false);
    }

    private string Attempt(IReadOnlyDictionary<string, object?> completion, int index)
    {
        var rationale = (completion.GetValueOrDefault(RationaleField) ?? completion.GetValueOrDefault(ChainOfThought.ReasoningField)) as string
            ?? throw new ArgumentException($"Attempt {index + 1} has no '{RationaleField}' or '{ChainOfThought.ReasoningField}' text; produce the attempts with ChainOfThought.", "completions");
        if (!completion.TryGetValue(LastOutput, out var answer))
        {
            throw new ArgumentException($"Attempt {index + 1} has no '{LastOutput}' value.", "completions");
        }

        return $"«I'm trying to {FirstLine(rationale)} I'm not sure but my prediction is {FirstLine(Majority.Text(answer))}»";
    }

    private static string FirstLine(string text) => text.Trim().Split('\n')[0].Trim();
}
