namespace Declarative.Cli.Tests;

/// <summary>
/// A program as <c>declarative optimize --assembly … --program SampleQaProgram</c> expects one: a Module with a public
/// parameterless constructor, a static RunAsync, and a metric method named on the command line.
/// </summary>
public sealed class SampleQaProgram : Module
{
    private readonly Predict answer = new("question -> answer");

    public static Task<Prediction> RunAsync(SampleQaProgram program, Example example, RunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(example);
        return program.answer.InvokeAsync(example.Inputs(), context, null, cancellationToken);
    }

    public static bool SameAnswer(Example example, Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(prediction);
        return string.Equals(example["answer"]?.ToString(), prediction.Values["answer"]?.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
