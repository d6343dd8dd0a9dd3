namespace Declarative;

/// <summary>Typed calls of any <see cref="IInvokableModule"/> (ReAct, BestOfN, Refine, PlannerAgent…) built over a typed signature.</summary>
public static class InvokableModuleExtensions
{
    /// <summary>
    /// Runs the module with the inputs of <paramref name="input"/> and returns a copy of it with the outputs set. The
    /// module must have been built for <typeparamref name="T"/>'s signature (for example
    /// <c>new ReAct(Signature.For&lt;T&gt;(), tools)</c>).
    /// </summary>
    /// <typeparam name="T">A <c>[Signature]</c> type.</typeparam>
    /// <param name="module">The module.</param>
    /// <param name="input">The inputs (output properties are ignored).</param>
    /// <param name="context">The run context.</param>
    /// <param name="settings">Settings for the call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The typed prediction; <see cref="Prediction{T}.Untyped"/> is the module's own (a <see cref="ReActPrediction"/>, …).</returns>
    public static async Task<Prediction<T>> InvokeAsync<T>(this IInvokableModule module, T input, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var binding = TypedBinding<T>.Instance;
        var prediction = await module.InvokeAsync(binding.Inputs(input), context, settings, cancellationToken).ConfigureAwait(false);
        return new Prediction<T>(binding.WithOutputs(input, prediction.Values), prediction);
    }
}
