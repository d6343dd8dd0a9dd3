namespace Declarative;

/// <summary>
/// Runs a module up to N times, each with its own rollout id at temperature 1.0 (so the cache does not return the
/// same answer), and returns the first prediction whose reward reaches the threshold, or else the best one (DSPy's
/// <c>dspy.BestOfN</c>). Its predictors are the wrapped module's, under <c>module.</c>.
/// </summary>
/// <typeparam name="TModule">The wrapped module's type.</typeparam>
public sealed class BestOfN<TModule> : Module, IInvokableModule
    where TModule : Module, IInvokableModule
{
    private readonly RolloutOptions options;
    private readonly TModule module;

    /// <summary>Creates the module.</summary>
    /// <param name="module">The module to run; it is copied for each attempt and never changed.</param>
    /// <param name="options">N, the reward, the threshold and the fail count.</param>
    public BestOfN(TModule module, RolloutOptions options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.module = module;
        this.options = options;
    }

    /// <summary>The wrapped module.</summary>
    public TModule Wrapped => module;

    /// <summary>Runs the attempts.</summary>
    /// <param name="inputs">The module's inputs.</param>
    /// <param name="context">
    /// The run context; only the returned attempt's predictor calls are recorded in its trace, but every attempt's tool
    /// decisions are.
    /// </param>
    /// <param name="settings">Settings for every call; temperature and rollout id are set per attempt.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The chosen prediction.</returns>
    /// <exception cref="AttemptsFailedException">Every attempt failed within the fail count.</exception>
    public Task<Prediction> InvokeAsync(IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        return Rollouts.RunAsync("BestOfN", module, options, inputs, context, settings, prepare: null, afterMiss: null, cancellationToken);
    }
}
