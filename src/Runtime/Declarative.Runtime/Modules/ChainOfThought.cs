using Microsoft.Extensions.AI;

namespace Declarative;

/// <summary>
/// Reasons step by step before answering: the signature gains a <c>reasoning</c> output before the others
/// (DSPy's <c>dspy.ChainOfThought</c>). Its predictor is named <c>predict</c>, as in DSPy, so saved programs load
/// in both.
/// </summary>
public class ChainOfThought : Module, IInvokableModule
{
    /// <summary>The name of the reasoning field.</summary>
    public const string ReasoningField = "reasoning";

    /// <summary>Creates the module for a signature.</summary>
    /// <param name="signature">The signature without reasoning.</param>
    public ChainOfThought(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.TryGetField(ReasoningField, out _))
        {
            throw new SignatureException($"Signature '{signature.Name}' already has a field named '{ReasoningField}'; ChainOfThought adds it, so rename yours.");
        }

        Predictor = new Predict(Extend(signature));
    }

    /// <summary>Creates the module for a string signature such as <c>"question -> answer"</c>.</summary>
    /// <param name="signature">The signature text.</param>
    public ChainOfThought(string signature)
        : this(Signature.Parse(signature))
    {
    }

    /// <summary>The inner predictor, whose signature has the <c>reasoning</c> field.</summary>
    public Predict Predictor { get; private set; }

    /// <summary>The signature with the reasoning field.</summary>
    public Signature Signature => Predictor.Signature;

    /// <summary>The signature with a <c>reasoning</c> output prepended.</summary>
    /// <param name="signature">The signature.</param>
    /// <returns>The extended signature.</returns>
    public static Signature Extend(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.Prepend(new Field(ReasoningField, FieldRole.Output));
    }

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, Predict Predictor)> NamedPredictors() => [("predict", Predictor)];

    /// <summary>Runs the module once.</summary>
    /// <param name="inputs">A value for each input field.</param>
    /// <param name="context">The run context.</param>
    /// <param name="settings">Settings for this call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The prediction; <see cref="Prediction.Reasoning"/> holds the reasoning.</returns>
    public Task<Prediction> InvokeAsync(IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default) =>
        Predictor.InvokeAsync(inputs, context, settings, cancellationToken);

    /// <summary>The messages a call would send.</summary>
    /// <param name="inputs">The input values.</param>
    /// <param name="adapter">The adapter.</param>
    /// <returns>The messages.</returns>
    public IList<ChatMessage> FormatMessages(IReadOnlyDictionary<string, object?> inputs, Adapter? adapter = null) =>
        Predictor.FormatMessages(inputs, adapter);

    /// <inheritdoc />
    public override Module Clone()
    {
        var copy = (ChainOfThought)MemberwiseClone();
        copy.Predictor = (Predict)Predictor.Clone();
        return copy;
    }
}

/// <summary>Chain of thought over a typed signature.</summary>
/// <typeparam name="T">A <c>[Signature]</c> type (without a <c>reasoning</c> field: the reasoning is on the prediction).</typeparam>
public sealed class ChainOfThought<T> : ChainOfThought
    where T : class
{
    /// <summary>Creates the module for <typeparamref name="T"/>.</summary>
    public ChainOfThought()
        : base(Signature.For<T>())
    {
    }

    /// <summary>Runs the module once.</summary>
    /// <param name="input">The inputs.</param>
    /// <param name="context">The run context.</param>
    /// <param name="settings">Settings for this call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The prediction: the typed value, and the reasoning in <see cref="Prediction.Reasoning"/>.</returns>
    public async Task<Prediction<T>> InvokeAsync(T input, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var binding = TypedBinding<T>.Instance;
        var prediction = await Predictor.InvokeAsync(binding.Inputs(input), context, settings, cancellationToken).ConfigureAwait(false);
        return new Prediction<T>(binding.WithOutputs(input, prediction.Values), prediction);
    }

    /// <summary>The messages a call would send for <paramref name="input"/>.</summary>
    /// <param name="input">The inputs.</param>
    /// <param name="adapter">The adapter.</param>
    /// <returns>The messages.</returns>
    public IList<ChatMessage> FormatMessages(T input, Adapter? adapter = null) =>
        Predictor.FormatMessages(TypedBinding<T>.Instance.Inputs(input), adapter);
}
