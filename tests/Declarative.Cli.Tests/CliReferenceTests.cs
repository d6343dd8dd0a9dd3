namespace Declarative.Cli.Tests;

public sealed class CliReferenceTests
{
    [Fact]
    public async Task Docs_cli_md_is_the_generated_reference()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("cli-reference");
        Assert.Equal(0, code);
        var path = Path.Combine(RepositoryRoot(), "docs", "cli.md");
        Assert.True(File.Exists(path), $"{path} is missing; run: dotnet run --project src/Cli -c Release -- cli-reference > docs/cli.md");
        var committed = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(committed == stdout, "docs/cli.md differs from the command definitions; regenerate it: dotnet run --project src/Cli -c Release -- cli-reference > docs/cli.md");
    }

    [Fact]
    public async Task Reference_lists_every_visible_command_and_its_required_options()
    {
        var (_, stdout, _) = await CliRunner.RunAsync("cli-reference");
        foreach (var command in new[] { "prompt", "run", "grammar", "evaluate" })
        {
            Assert.Contains($"\n## declarative {command}\n", stdout, StringComparison.Ordinal);
        }

        Assert.Contains("| `--devset` | **Required.**", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-reference", stdout.Split('\n').Where(l => l.StartsWith("## ", StringComparison.Ordinal)), StringComparer.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Declarative.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Declarative.sln not found above the test's folder.");
    }
}
