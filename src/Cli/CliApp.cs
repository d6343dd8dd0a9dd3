using System.CommandLine;

namespace Declarative.Cli;

/// <summary>The <c>declarative</c> tool: builds the command tree and maps failures to exit codes.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Declarative: program language models with typed signatures instead of prompts.")
        {
            PromptCommand.Create(stdout),
            RunCommand.Create(stdout, stderr),
            GrammarCommand.Create(stdout, stderr),
            EvaluateCommand.Create(stdout, stderr),
            CliReferenceCommand.Create(stdout),
            SqlCommand.Create(stdout, stderr),
            GuardCommand.Create(stdout, stderr),
            OptimizeCommand.Create(stdout, stderr),
            InspectCommand.Create(stdout, stderr),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await stderr.WriteLineAsync(parsed.Errors[0].Message.ReplaceLineEndings(" ") + " (see --help)");
            return ExitCodes.BadInput;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (CliException ex)
        {
            await stderr.WriteLineAsync(ex.Message.ReplaceLineEndings(" "));
            return ExitCodes.BadInput;
        }
    }
}
