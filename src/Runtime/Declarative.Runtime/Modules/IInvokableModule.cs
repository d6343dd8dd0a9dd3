namespace Declarative;

/// <summary>
/// A module that can be called with input values by field name and returns a <see cref="Prediction"/> (DSPy's
/// <c>module(**kwargs)</c>). <see cref="Predict"/>, <see cref="ChainOfThought"/> and the composite modules implement it,
/// so BestOfN, Refine, the parallel runner and the planner can wrap any of them. Implementations must not change themselves when called.
/// </summary>
public interface IInvokableModule
{
    /// <summary>Runs the module once.</summary>
    /// <param name="inputs">A value for each input field.</param>
    /// <param name="context">The client, adapter and trace to run with.</param>
    /// <param name="settings">Settings for this call, over the context's defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The prediction.</returns>
    Task<Prediction> InvokeAsync(IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default);
}
