namespace Declarative.Tools;

/// <summary>What became of one tool call an agent asked for.</summary>
public enum ToolOutcome
{
    /// <summary>The tool ran and returned a result.</summary>
    Succeeded,

    /// <summary>The tool ran and threw; the error message is the observation.</summary>
    Failed,

    /// <summary>No tool has that name.</summary>
    UnknownTool,

    /// <summary>The tool is not on <see cref="ToolPolicy.AllowedTools"/>.</summary>
    NotAllowed,

    /// <summary>The arguments did not match the tool's JSON schema; the tool was not called.</summary>
    InvalidArguments,

    /// <summary>The tool has side effects and the approver said no (or there is no approver).</summary>
    Denied,

    /// <summary>The run had used up <see cref="ToolPolicy.MaxToolCalls"/>.</summary>
    BudgetExceeded,
}
