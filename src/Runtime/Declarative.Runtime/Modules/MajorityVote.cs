namespace Declarative;

/// <summary>The outcome of <see cref="Majority.Of(IReadOnlyList{IReadOnlyDictionary{string, object?}}, string, Func{string, string?}?)"/>.</summary>
/// <param name="Value">The winning normalized value, or <see langword="null"/> when no value survived normalization.</param>
/// <param name="Completion">The first completion holding the winning value (the first completion when there is no winner).</param>
/// <param name="Index">That completion's index.</param>
/// <param name="Votes">How many completions hold the winning value.</param>
/// <param name="Counted">How many completions had a value that survived normalization.</param>
public sealed record MajorityVote(string? Value, IReadOnlyDictionary<string, object?> Completion, int Index, int Votes, int Counted)
{
    /// <summary>Whether some value won (at least one value survived normalization).</summary>
    public bool HasWinner => Value is not null;

    /// <summary>Whether the winner holds more than half of the counted votes (a plurality may not).</summary>
    public bool IsAbsoluteMajority => Votes * 2 > Counted;
}
