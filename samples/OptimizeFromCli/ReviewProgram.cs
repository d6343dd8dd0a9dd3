using Declarative;

namespace OptimizeFromCli;

/// <summary>
/// Classifies the sentiment of a product review. What <c>declarative optimize --assembly … --program
/// OptimizeFromCli.ReviewProgram</c> needs: a <see cref="Module"/> with a public parameterless constructor, a static
/// <see cref="RunAsync"/> that runs it on one example, and a public static metric named by <c>--metric</c>.
/// </summary>
public sealed class ReviewProgram : Module
{
    private readonly Predict classify = new(Signature.Parse(
        "review -> sentiment: Literal['positive', 'negative', 'neutral']",
        "Classify the sentiment of a product review."));

    /// <summary>Runs the program on one example's inputs.</summary>
    /// <param name="program">The program (the student or a candidate).</param>
    /// <param name="example">The example.</param>
    /// <param name="context">The client and adapter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The prediction, with a <c>sentiment</c> field.</returns>
    public static Task<Prediction> RunAsync(ReviewProgram program, Example example, RunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(example);
        return program.classify.InvokeAsync(example.Inputs(), context, null, cancellationToken);
    }

    /// <summary>The metric (<c>--metric SameSentiment</c>): the predicted sentiment equals the label.</summary>
    /// <param name="example">The example, with its <c>sentiment</c> label.</param>
    /// <param name="prediction">The prediction.</param>
    /// <returns>Whether they agree.</returns>
    public static bool SameSentiment(Example example, Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(prediction);
        return string.Equals(example["sentiment"]?.ToString(), prediction.Values["sentiment"]?.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
