namespace Declarative.Optimizers;

/// <summary>Settings of <see cref="Copro"/>; defaults as DSPy's <c>COPRO</c>. Validated when the optimizer is built.</summary>
public sealed class CoproOptions
{
    /// <summary>
    /// How many instructions each predictor has per depth (default 10, DSPy's <c>breadth</c>): at the first depth the
    /// original and <c>Breadth - 1</c> proposals, at later depths <c>Breadth</c> new proposals; at least 2.
    /// </summary>
    public int Breadth { get; init; } = 10;

    /// <summary>How many rounds of proposing and scoring (default 3, DSPy's <c>depth</c>); at least 1.</summary>
    public int Depth { get; init; } = 3;

    /// <summary>The prompt model's temperature for proposals (default 1.4, DSPy's <c>init_temperature</c>); 0 to 2.</summary>
    public double InitTemperature { get; init; } = 1.4;

    /// <summary>The most examples scored at once (default 8); at least 1.</summary>
    public int MaxParallelism { get; init; } = 8;

    /// <summary>
    /// The client (and adapter) that writes the proposals (DSPy's <c>prompt_model</c>); <see langword="null"/> (default)
    /// for the task model's context.
    /// </summary>
    public RunContext? PromptModel { get; init; }

    internal void Validate()
    {
        if (Breadth < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Breadth), Breadth, "CoproOptions.Breadth must be at least 2 (the original instruction and one proposal).");
        }

        if (Depth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Depth), Depth, "CoproOptions.Depth must be at least 1.");
        }

        if (!double.IsFinite(InitTemperature) || InitTemperature is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(InitTemperature), InitTemperature, "CoproOptions.InitTemperature must be between 0 and 2.");
        }

        if (MaxParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxParallelism), MaxParallelism, "CoproOptions.MaxParallelism must be at least 1.");
        }
    }
}
