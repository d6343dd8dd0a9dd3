namespace Declarative.Guards;

/// <summary>
/// A request or a completion was blocked by a guard. <see cref="Findings"/> says what was found and where; the matched
/// text is never part of the exception, so it can be logged.
/// </summary>
public sealed class GuardException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="stage">Where the guard ran: <c>input</c>, <c>output</c>, <c>limit</c> or <c>tool</c>.</param>
    /// <param name="findings">What was found.</param>
    public GuardException(string stage, IReadOnlyList<GuardFinding> findings)
        : base(Describe(stage, findings))
    {
        Stage = stage;
        Findings = findings;
    }

    /// <summary>Creates the exception with a message only (no findings).</summary>
    public GuardException()
        : this("input", [])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public GuardException(string message)
        : base(message)
    {
        Stage = "input";
        Findings = [];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public GuardException(string message, Exception innerException)
        : base(message, innerException)
    {
        Stage = "input";
        Findings = [];
    }

    /// <summary>Where the guard ran: <c>input</c>, <c>output</c>, <c>limit</c> or <c>tool</c>.</summary>
    public string Stage { get; }

    /// <summary>What was found.</summary>
    public IReadOnlyList<GuardFinding> Findings { get; }

    private static string Describe(string stage, IReadOnlyList<GuardFinding> findings)
    {
        var reasons = string.Join("; ", findings.Take(5).Select(f => f.Field is null ? $"{f.Kind} ({f.Reason})" : $"{f.Kind} in '{f.Field}' ({f.Reason})"));
        var more = findings.Count > 5 ? $" and {findings.Count - 5} more" : string.Empty;
        var fix = stage switch
        {
            "output" => "the completion was not returned; set GuardOptions.OutputAction to Redact or Flag to let it through",
            "limit" => "shorten the input, raise the limit in GuardOptions, or wait for the rate limit to refill",
            "tool" => "no refused tool ran; allow the tool in ToolPolicy.AllowedTools, approve it in ToolPolicy.ApproveAsync or raise ToolPolicy.MaxToolCalls, or set GuardOptions.ToolAction to Flag to let the model see the refusal and go on",
            _ => "the request was not sent; if this input is legitimate, set GuardOptions.InjectionAction to Flag or raise GuardOptions.InjectionThreshold",
        };
        return $"Guard blocked the {stage}: {reasons}{more}. To fix: {fix}.";
    }
}
