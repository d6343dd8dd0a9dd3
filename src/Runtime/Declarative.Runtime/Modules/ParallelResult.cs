namespace Declarative;

/// <summary>One item of a <see cref="ParallelRunner"/> run: its prediction, or the error it failed with.</summary>
/// <param name="Index">The item's position in the input.</param>
/// <param name="Prediction">The prediction, or <see langword="null"/> when the item failed.</param>
/// <param name="Error">The error, or <see langword="null"/> when the item succeeded.</param>
public sealed record ParallelResult(int Index, Prediction? Prediction, Exception? Error)
{
    /// <summary>Whether the item succeeded.</summary>
    public bool Succeeded => Error is null;
}
