namespace Declarative.Tools;

/// <summary>A run asked for more tool calls than <see cref="ToolPolicy.MaxToolCalls"/> allows, under <see cref="ToolBudgetBehavior.Throw"/>.</summary>
public sealed class ToolBudgetExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limit">The limit.</param>
    /// <param name="tool">The tool of the refused call.</param>
    public ToolBudgetExceededException(int limit, string tool)
        : base($"The run asked for tool '{tool}' after using all {limit} tool calls ToolPolicy.MaxToolCalls allows; raise the limit, or set OnBudgetExceeded = ToolBudgetBehavior.Finish to answer from what was gathered.")
    {
        Limit = limit;
        Tool = tool;
    }

    /// <summary>Creates the exception.</summary>
    public ToolBudgetExceededException() => Tool = "?";

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ToolBudgetExceededException(string message)
        : base(message) => Tool = "?";

    /// <summary>Creates the exception with a message and inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ToolBudgetExceededException(string message, Exception innerException)
        : base(message, innerException) => Tool = "?";

    /// <summary>The limit that was reached.</summary>
    public int Limit { get; }

    /// <summary>The tool whose call was refused.</summary>
    public string Tool { get; }
}
