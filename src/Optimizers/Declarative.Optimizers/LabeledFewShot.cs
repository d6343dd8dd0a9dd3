namespace Declarative.Optimizers;

/// <summary>
/// The simplest optimizer: gives every predictor <see cref="LabeledFewShotOptions.K"/> training examples as demos,
/// drawn from a seeded shuffle of the training set (DSPy's <c>LabeledFewShot</c>). It makes no LM calls.
/// </summary>
public sealed class LabeledFewShot : Optimizer
{
    private readonly LabeledFewShotOptions options;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="options">The settings (default: 16 demos, sampled with seed 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public LabeledFewShot(LabeledFewShotOptions? options = null)
    {
        options ??= new LabeledFewShotOptions();
        options.Validate();
        this.options = options;
    }

    /// <summary>Compiles without running anything: the new program's predictors get labeled demos.</summary>
    /// <typeparam name="TProgram">The program's type.</typeparam>
    /// <param name="student">The program; it is not changed.</param>
    /// <param name="trainset">The training examples.</param>
    /// <returns>A copy of the student with demos (an unchanged copy when the training set is empty).</returns>
    public TProgram Compile<TProgram>(TProgram student, IReadOnlyList<Example> trainset)
        where TProgram : Module
    {
        CheckArguments(student, trainset);
        if (trainset.Count == 0)
        {
            return (TProgram)student.Clone();
        }

        var random = new Random(options.Seed);
        var demos = new Dictionary<string, IReadOnlyList<Example>>(StringComparer.Ordinal);
        foreach (var (name, _) in student.NamedPredictors())
        {
            demos[name] = options.Sample
                ? ProgramDemos.Sample(random, trainset, options.K)
                : trainset.Take(options.K).ToList();
        }

        return ProgramDemos.WithDemos(student, demos);
    }

    /// <inheritdoc />
    public override Task<TProgram> CompileAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Compile(student, trainset));
    }
}
