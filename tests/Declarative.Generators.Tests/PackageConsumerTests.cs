using System.Diagnostics;

namespace Declarative.Generators.Tests;

/// <summary>
/// Packs Declarative.Signatures and Declarative.Runtime into a folder feed, and builds and runs a fresh project that
/// references Declarative.Runtime by version: what a package user gets, the generator and the checks included. The
/// packages the libraries depend on come from the machine's package cache (a fallback folder), so nothing is downloaded.
/// </summary>
public class PackageConsumerTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task A_package_user_gets_the_checks_and_the_library()
    {
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("declarative-consumer-");
        try
        {
            var version = "0.0.0-test." + Guid.NewGuid().ToString("N")[..8];
            var feed = Path.Combine(work.FullName, "feed");
            foreach (var library in new[] { "src/Signatures/Declarative.Signatures.csproj", "src/Runtime/Declarative.Runtime/Declarative.Runtime.csproj" })
            {
                var pack = await RunAsync(root, "pack", Path.Combine(root, library), "-c", Configuration, "--no-build", "--no-restore", "-o", feed, $"-p:PackageVersion={version}");
                Assert.True(pack.ExitCode == 0, pack.Output);
            }

            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

            var project = Path.Combine(work.FullName, "consumer");
            Directory.CreateDirectory(project);
            await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
                  <config><add key="globalPackagesFolder" value="{Path.Combine(work.FullName, "packages")}" /></config>
                  <fallbackPackageFolders><add key="cache" value="{cache}" /></fallbackPackageFolders>
                </configuration>
                """);
            await File.WriteAllTextAsync(Path.Combine(project, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Declarative.Runtime" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);

            // A signature without outputs, declared without 'partial': the package's checks stop the build.
            await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), """
                using Declarative;
                Console.WriteLine(string.Join(",", Signature.For<QuestionAnswer>().Fields.Select(f => f.Name)));
                [Signature] public sealed class QuestionAnswer { [Input] public string Question { get; set; } = ""; }
                """);
            var broken = await RunAsync(project, "build", "-c", "Release", "--disable-build-servers");
            Assert.NotEqual(0, broken.ExitCode);
            Assert.Contains("error DCL003", broken.Output);
            Assert.DoesNotContain("CS8032", broken.Output); // every analyzer assembly in the package loads
            Assert.Contains("warning DCL001", broken.Output);

            // A partial signature: the generator compiles its descriptor; Predict runs it against a client in the program.
            await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), """
                using Declarative;
                using Microsoft.Extensions.AI;
                var context = new RunContext(new Answers());
                var answer = await new Predict<QuestionAnswer>().InvokeAsync(new QuestionAnswer { QuestionText = "Capital of France?" }, context);
                Console.WriteLine(string.Join(",", Signature.For<QuestionAnswer>().Fields.Select(f => f.Name)));
                Console.WriteLine("answer=" + answer.Value.Answer);
                Console.WriteLine("generated=" + ReferenceEquals(Signature.For<QuestionAnswer>(), QuestionAnswer.DeclarativeSignature));
                var holder = typeof(QuestionAnswer).GetNestedType("DeclarativeSignatureHolder", System.Reflection.BindingFlags.NonPublic)!;
                var chat = holder.GetField("ChatGrammar", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetRawConstantValue() as string;
                Console.WriteLine("grammar=" + (chat is not null && chat == Declarative.Grammars.SignatureGrammar.ForChat(Signature.For<QuestionAnswer>()).ToGbnf()));
                [Signature] public sealed partial class QuestionAnswer
                {
                    [Input] public string QuestionText { get; set; } = "";
                    [Output] public string Answer { get; set; } = "";
                }
                sealed class Answers : IChatClient
                {
                    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]")));
                    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                        throw new NotSupportedException();
                    public object? GetService(Type serviceType, object? serviceKey = null) => null;
                    public void Dispose() { }
                }
                """);
            var run = await RunAsync(project, "run", "-c", "Release", "--disable-build-servers");
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains("question_text,answer", run.Output);
            Assert.Contains("answer=Paris", run.Output);
            Assert.Contains("generated=True", run.Output);
            Assert.Contains("grammar=True", run.Output); // computed at build time, inside the compiler
            Assert.DoesNotContain("DCL0", run.Output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Declarative.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with Declarative.sln) is not above the test's directory.");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
