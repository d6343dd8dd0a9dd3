namespace Declarative.Guards;

/// <summary>What a guard does when it finds something.</summary>
public enum GuardAction
{
    /// <summary>Nothing: the text passes unchanged and nothing is recorded.</summary>
    Allow,

    /// <summary>The text passes unchanged; the findings are recorded in the trace, the guard log and the metrics.</summary>
    Flag,

    /// <summary>Matches are replaced by <c>[REDACTED:kind]</c>; the findings are recorded as for <see cref="Flag"/>.</summary>
    Redact,

    /// <summary>The call fails with a <see cref="GuardException"/> carrying the findings, which are also recorded.</summary>
    Block,
}
