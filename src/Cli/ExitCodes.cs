namespace Declarative.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>A check failed, the model's answer could not be parsed, or the model call failed.</summary>
    public const int Failed = 1;

    /// <summary>Bad input (a one-line message on standard error).</summary>
    public const int BadInput = 2;

    /// <summary><c>optimize</c> stopped early (a budget ran out): the program written is the best so far, marked partial.</summary>
    public const int Partial = 3;
}
