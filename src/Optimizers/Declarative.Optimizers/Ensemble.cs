namespace Declarative.Optimizers;

/// <summary>
/// Combines several programs into one (DSPy's <c>Ensemble</c>): at run time it runs each program (or a seeded sample
/// of <c>size</c> of them) on the same example, one after another, and reduces their predictions to one, for example
/// with <see cref="Majority"/>. Makes no LM calls when compiling. Immutable and thread-safe.
/// </summary>
public sealed class Ensemble
{
    private readonly Func<IReadOnlyList<Prediction>, Prediction> reduce;
    private readonly int? size;
    private readonly int seed;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="reduce">Turns the programs' predictions (in program order) into one, for example <see cref="Majority"/>.</param>
    /// <param name="size">How many programs each call runs, sampled per call; <see langword="null"/> (default) for all.</param>
    /// <param name="seed">Seeds the per-call sampling (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 1.</exception>
    public Ensemble(Func<IReadOnlyList<Prediction>, Prediction> reduce, int? size = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        if (size is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "Ensemble size must be at least 1, or null for all programs.");
        }

        this.reduce = reduce;
        this.size = size;
        this.seed = seed;
    }

    /// <summary>Combines <paramref name="programs"/>; they are copied, so later changes to them do not leak in.</summary>
    /// <typeparam name="TProgram">The programs' type.</typeparam>
    /// <param name="programs">The programs, at least one.</param>
    /// <param name="run">Runs one program on one example with a context.</param>
    /// <returns>The ensembled program.</returns>
    /// <exception cref="ArgumentException">No programs, or fewer than the size.</exception>
    public EnsembledProgram<TProgram> Compile<TProgram>(
        IReadOnlyList<TProgram> programs,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run)
        where TProgram : Module
    {
        ArgumentNullException.ThrowIfNull(programs);
        ArgumentNullException.ThrowIfNull(run);
        if (programs.Count == 0 || programs.Any(p => p is null))
        {
            throw new ArgumentException("Give at least one program, and no null ones.", nameof(programs));
        }

        if (size > programs.Count)
        {
            throw new ArgumentException($"The ensemble samples {size} programs per call but only {programs.Count} were given.", nameof(programs));
        }

        return new EnsembledProgram<TProgram>(programs.Select(p => (TProgram)p.Clone()).ToList(), run, reduce, size, seed);
    }

    /// <summary>
    /// DSPy's <c>majority</c>: the prediction whose <paramref name="field"/> value, normalized (lower case, no
    /// punctuation or articles), is most common; on a tie the value seen first wins, and the first prediction with
    /// that value is returned. Values that normalize to nothing are ignored unless all do; then the first prediction
    /// is returned.
    /// </summary>
    /// <param name="field">The output field to vote on; <see langword="null"/> for the last field of the first prediction.</param>
    /// <returns>The reduce function.</returns>
    public static Func<IReadOnlyList<Prediction>, Prediction> Majority(string? field = null) => predictions =>
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Count == 0)
        {
            throw new ArgumentException("Majority needs at least one prediction.", nameof(predictions));
        }

        var name = field ?? predictions[0].Values.Keys.LastOrDefault()
            ?? throw new ArgumentException("The first prediction has no fields to vote on; name the field.", nameof(predictions));
        var values = predictions.Select(p => Normalize(p[name])).ToList();
        var voting = values.Any(v => v is not null) ? values.Where(v => v is not null) : values;
        var counts = new List<(string? Value, int Count)>();
        foreach (var value in voting)
        {
            var i = counts.FindIndex(c => c.Value == value);
            if (i < 0)
            {
                counts.Add((value, 1));
            }
            else
            {
                counts[i] = (value, counts[i].Count + 1);
            }
        }

        var top = counts.Max(c => c.Count);
        var winner = counts.First(c => c.Count == top).Value;
        return predictions[values.IndexOf(winner)];
    };

    private static string? Normalize(object? value)
    {
        var text = value is null ? string.Empty : TextNormalizer.Normalize(TextNormalizer.ToText(value));
        return text.Length == 0 ? null : text;
    }
}
