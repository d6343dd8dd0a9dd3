namespace Declarative;

/// <summary>Saving and loading the learned state of a program.</summary>
public static class ModuleStateExtensions
{
    /// <summary>Saves the program's state (instructions, fields, demonstrations of every predictor) as JSON.</summary>
    /// <param name="program">The program.</param>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public static Task SaveAsync(this Module program, string path, CancellationToken cancellationToken = default) =>
        ProgramState.Capture(program).SaveAsync(path, cancellationToken);

    /// <summary>
    /// Loads a state file into the program, in place (as DSPy's <c>load</c>). All or nothing: when the file is bad or
    /// does not match, the program is unchanged and a <see cref="ProgramStateException"/> names the problem.
    /// </summary>
    /// <param name="program">The program.</param>
    /// <param name="path">The file, saved by Declarative or by DSPy 3.x.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when the state is applied.</returns>
    public static async Task LoadAsync(this Module program, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        var state = await ProgramState.LoadAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            state.ApplyTo(program);
        }
        catch (ProgramStateException ex)
        {
            throw new ProgramStateException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>A copy of the program with the state applied; the program itself is unchanged.</summary>
    /// <typeparam name="TModule">The program's type.</typeparam>
    /// <param name="program">The program.</param>
    /// <param name="state">The state.</param>
    /// <returns>The new program.</returns>
    public static TModule WithState<TModule>(this TModule program, ProgramState state)
        where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(state);
        var copy = (TModule)program.Clone();
        state.ApplyTo(copy);
        return copy;
    }
}
