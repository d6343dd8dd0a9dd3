namespace Declarative;

/// <summary>
/// <see cref="BestOfN{TModule}"/> with feedback (DSPy's <c>dspy.Refine</c>): after an attempt below the threshold, an
/// <c>OfferFeedback</c> call reads the program's predictors, the attempt's trajectory and its reward, and writes advice
/// for each predictor; the next attempt shows each predictor its advice as the extra input <c>hint_</c> ("A hint to
/// the module from an earlier run"). Its predictors are the wrapped module's, under <c>module.</c>.
/// </summary>
/// <typeparam name="TModule">The wrapped module's type.</typeparam>
public sealed class Refine<TModule> : Module, IInvokableModule
    where TModule : Module, IInvokableModule
{
    /// <summary>The advice a predictor gets when the feedback names none for it (as DSPy).</summary>
    public const string NoAdvice = "N/A";

    private readonly RolloutOptions options;
    private readonly TModule module;

    /// <summary>Creates the module.</summary>
    /// <param name="module">The module to refine; it is copied for each attempt and never changed.</param>
    /// <param name="options">N, the reward, the threshold, the fail count and the reward's description.</param>
    public Refine(TModule module, RolloutOptions options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.module = module;
        this.options = options;
    }

    /// <summary>The wrapped module.</summary>
    public TModule Wrapped => module;

    /// <summary>Runs the attempts, asking for feedback between them.</summary>
    /// <param name="inputs">The module's inputs.</param>
    /// <param name="context">
    /// The run context; the returned attempt's calls and the feedback calls are recorded in its trace, the other
    /// attempts' predictor calls are not (as DSPy); every attempt's tool decisions are.
    /// </param>
    /// <param name="settings">Settings for every call; temperature and rollout id are set per attempt.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The chosen prediction.</returns>
    /// <exception cref="AttemptsFailedException">Every attempt failed within the fail count.</exception>
    public Task<Prediction> InvokeAsync(IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyDictionary<string, string>? advice = null;
        var feedback = new Predict(OfferFeedback.Signature);
        return Rollouts.RunAsync(
            "Refine",
            module,
            options,
            inputs,
            context,
            settings,
            prepare: (copy, _) =>
            {
                if (advice is null)
                {
                    return;
                }

                foreach (var (name, predict) in copy.NamedPredictors())
                {
                    predict.Hint = advice.GetValueOrDefault(name, NoAdvice);
                }
            },
            afterMiss: async (miss, ct) =>
            {
                var request = OfferFeedback.Inputs(miss.Copy, inputs, miss.Trace, miss.Prediction, options.RewardDescription, options.Threshold, miss.Reward);
                var answer = await feedback.InvokeAsync(request, context, settings, ct).ConfigureAwait(false);
                advice = ToAdvice(answer.Values.GetValueOrDefault("advice"));
            },
            cancellationToken);
    }

    private static Dictionary<string, string> ToAdvice(object? value) =>
        ReAct.Arguments(value).ToDictionary(p => p.Key, p => p.Value?.ToString() ?? NoAdvice, StringComparer.Ordinal);
}
