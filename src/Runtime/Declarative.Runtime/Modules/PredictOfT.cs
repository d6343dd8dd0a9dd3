namespace Declarative;

/// <summary>A predictor over a typed signature: takes an instance with its inputs set, returns one with its outputs set.</summary>
/// <typeparam name="T">A <c>[Signature]</c> type.</typeparam>
public sealed class Predict<T> : Predict
    where T : class
{
    /// <summary>Creates a predictor for <typeparamref name="T"/>.</summary>
    public Predict()
        : base(Declarative.Signature.For<T>())
    {
    }

    /// <summary>Runs the predictor once.</summary>
    /// <param name="input">The inputs (output properties are ignored).</param>
    /// <param name="context">The client, adapter and trace to run with.</param>
    /// <param name="settings">Settings for this call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The prediction; its <see cref="Prediction{T}.Value"/> is a copy of <paramref name="input"/> with the outputs set.</returns>
    /// <exception cref="AdapterParseException">The reply could not be parsed.</exception>
    public async Task<Prediction<T>> InvokeAsync(T input, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var binding = TypedBinding<T>.Instance;
        var prediction = await RunAsync(Signature, binding.Inputs(input), context, settings, cancellationToken).ConfigureAwait(false);
        return new Prediction<T>(binding.WithOutputs(input, prediction.Values), prediction);
    }

    /// <summary>The messages a call would send for <paramref name="input"/>.</summary>
    /// <param name="input">The inputs.</param>
    /// <param name="adapter">The adapter (default <see cref="ChatAdapter.Default"/>).</param>
    /// <returns>The messages.</returns>
    public IList<Microsoft.Extensions.AI.ChatMessage> FormatMessages(T input, Adapter? adapter = null) =>
        FormatMessages(TypedBinding<T>.Instance.Inputs(input), adapter);
}
