using System.CommandLine;
using System.Text.Json.Nodes;
using Declarative.Retrieval.Sql;
using Declarative.Runtime.LLama;

namespace Declarative.Cli;

/// <summary>
/// <c>declarative sql</c>: <c>ask</c> answers a question from a SQLite database (text-to-SQL under the schema grammar),
/// <c>check</c> says whether a statement may run, <c>grammar</c> prints the schema's SELECT grammar as GBNF.
/// </summary>
internal static class SqlCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("sql", "Text-to-SQL over a SQLite database: ask a question, check a statement, print the schema grammar.");
        command.Subcommands.Add(CreateAsk(stdout, stderr));
        command.Subcommands.Add(CreateCheck(stdout, stderr));
        command.Subcommands.Add(CreateGrammar(stdout));
        return command;
    }

    private static Option<string> Db() => new("--db") { Description = "The SQLite database file (opened read-only).", Required = true };

    private static Option<int> MaxJoins() => new("--max-joins") { Description = "The most joins in a query the grammar allows (0 to 4).", DefaultValueFactory = _ => 2 };

    private static Command CreateAsk(TextWriter stdout, TextWriter stderr)
    {
        var db = Db();
        var question = new Option<string>("--question", "-q") { Description = "The question to answer from the database.", Required = true };
        var lm = new Option<string>("--lm")
        {
            Description = "The model: llama:PATH.gguf (decodes under the schema grammar), openai:MODEL, openai-compatible:URL#MODEL, or scripted:FILE.jsonl "
                + "(one line {\"sql\": …} then one {\"answer\": …}).",
            Required = true,
        };
        var temperature = new Option<float?>("--temperature", "-t") { Description = "Sampling temperature." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "The most tokens of each reply." };
        var seed = new Option<long?>("--seed") { Description = "Sampling seed, where the backend supports one." };
        var maxRows = new Option<int>("--max-rows") { Description = "The most rows the query returns (more are cut, and \"truncated\" says so).", DefaultValueFactory = _ => 100 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds the query may run before it is interrupted.", DefaultValueFactory = _ => 5 };
        var maxJoins = MaxJoins();
        var attempts = new Option<int>("--attempts") { Description = "How many queries the model may write: a blocked one is written again with the checker's reason.", DefaultValueFactory = _ => 2 };
        var cache = ModelPipeline.Cache();
        var noCache = ModelPipeline.NoCache();
        var telemetry = ModelPipeline.Telemetry();
        var command = new Command("ask", "Write a SELECT for the question under the schema grammar, check and run it read-only, answer from the rows; print {\"sql\",\"columns\",\"rows\",\"truncated\",\"answer\"}.")
        {
            db, question, lm, temperature, maxTokens, seed, maxRows, timeout, maxJoins, attempts, cache, noCache, telemetry,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = ExistingDatabase(result.GetValue(db)!);
            var checker = Checker(path, result.GetValue(maxRows), result.GetValue(timeout), null);
            var schema = await ReadSchemaAsync(path, cancellationToken);
            var module = Guard(() => new TextToSql(schema, checker, new SqlGrammarOptions { MaxJoins = result.GetValue(maxJoins) }) { MaxAttempts = result.GetValue(attempts) });
            using var session = TelemetrySession.Start(result.GetValue(telemetry), stderr);
            using var run = Declarative.Tracing.DeclarativeDiagnostics.StartProgram("sql ask");
            var (built, store) = await ModelPipeline.BuildAsync(result.GetValue(lm)!, ChatAdapter.Default, session is not null, result.GetValue(noCache), result.GetValue(cache), stderr, cancellationToken);
            using var client = built;
            var settings = new CallSettings { Temperature = result.GetValue(temperature), MaxTokens = result.GetValue(maxTokens), Seed = result.GetValue(seed) };
            try
            {
                var answer = await module.InvokeAsync(result.GetValue(question)!, new RunContext(client), settings, cancellationToken);
                var output = new JsonObject
                {
                    ["sql"] = answer.Sql,
                    ["columns"] = JsonOutput.ToNode(answer.Rows.Columns),
                    ["rows"] = new JsonArray(answer.Rows.Rows.Select(row => (JsonNode?)new JsonArray(row.Select(JsonOutput.ToNode).ToArray())).ToArray()),
                    ["truncated"] = answer.Rows.Truncated,
                    ["answer"] = answer.Answer,
                };
                stdout.WriteLine(output.ToJsonString(JsonOutput.Options));
                return ExitCodes.Ok;
            }
            catch (SqlBlockedException ex)
            {
                stderr.WriteLine($"the model's query was blocked ({ex.Result.Kind}): {OneLine(ex.Result.Reason!)} query: {OneLine(ex.Sql)}");
                return ExitCodes.Failed;
            }
            catch (AdapterParseException ex)
            {
                stderr.WriteLine(OneLine(ex.Message));
                stderr.WriteLine("raw completion: " + OneLine(ex.RawCompletion));
                return ExitCodes.Failed;
            }
            catch (PromptTooLongException ex)
            {
                throw new CliException(OneLine(ex.Message) + " With --lm llama:…, set the context with ?ctx=TOKENS.");
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TimeoutException or Microsoft.Data.Sqlite.SqliteException or Runtime.OpenAI.OpenAiServerException)
            {
                stderr.WriteLine("the call failed: " + OneLine(ex.Message));
                return ExitCodes.Failed;
            }
            finally
            {
                store?.Dispose();
            }
        });
        return command;
    }

    private static Command CreateCheck(TextWriter stdout, TextWriter stderr)
    {
        var db = Db();
        var query = new Option<string>("--query") { Description = "The SQL statement to check (it is prepared, never run).", Required = true };
        var tables = new Option<string?>("--tables") { Description = "Comma-separated tables the statement may read (default: every table of the database)." };
        var command = new Command("check", "Check that a statement is one read-only SELECT over the allowed tables: exit 0 when allowed, 1 when blocked (the reason on stderr); prints {\"allowed\",\"kind\",\"reason\"}.")
        {
            db, query, tables,
        };
        command.SetAction(result =>
        {
            var path = ExistingDatabase(result.GetValue(db)!);
            var allowed = result.GetValue(tables)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var verdict = Checker(path, 1, 5, allowed).Check(result.GetValue(query)!);
            stdout.WriteLine(new JsonObject { ["allowed"] = verdict.IsAllowed, ["kind"] = verdict.Kind.ToString(), ["reason"] = verdict.Reason }.ToJsonString(JsonOutput.Options));
            if (verdict.IsAllowed)
            {
                return ExitCodes.Ok;
            }

            stderr.WriteLine($"blocked ({verdict.Kind}): {OneLine(verdict.Reason!)}");
            return ExitCodes.Failed;
        });
        return command;
    }

    private static Command CreateGrammar(TextWriter stdout)
    {
        var db = Db();
        var maxJoins = MaxJoins();
        var format = new Option<string>("--format") { Description = "gbnf (llama.cpp) or ir (the grammar IR with its own rule names).", DefaultValueFactory = _ => "gbnf" };
        var command = new Command("grammar", "Print the grammar of one read-only SELECT over the database's tables and columns.") { db, maxJoins, format };
        command.SetAction(async (result, cancellationToken) =>
        {
            var schema = await ReadSchemaAsync(ExistingDatabase(result.GetValue(db)!), cancellationToken);
            var grammar = Guard(() => SqlGrammar.Build(schema, new SqlGrammarOptions { MaxJoins = result.GetValue(maxJoins) }));
            await stdout.WriteAsync(result.GetValue(format) switch
            {
                "gbnf" => grammar.ToGbnf(),
                "ir" => grammar.ToString(),
                var other => throw new CliException($"--format '{other}' is not known; use gbnf or ir."),
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<SqlSchema> ReadSchemaAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await SqlSchemaSource.Sqlite(path).ReadSchemaAsync(cancellationToken);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw new CliException($"--db: '{path}' cannot be read as a SQLite database ({OneLine(ex.Message)}).");
        }
    }

    private static string ExistingDatabase(string path) =>
        File.Exists(path) ? path : throw new CliException($"--db: the file '{path}' does not exist; give an existing SQLite database.");

    private static SqlChecker Checker(string path, int maxRows, double timeoutSeconds, IReadOnlyCollection<string>? tables) =>
        Guard(() => SqlChecker.ForSqlite(path, new SqlCheckerOptions
        {
            MaxRows = maxRows,
            Timeout = timeoutSeconds is > 0 and < 86_400 ? TimeSpan.FromSeconds(timeoutSeconds) : throw new CliException($"--timeout {timeoutSeconds} must be between 0 and 86400 seconds."),
            AllowedTables = tables,
        }));

    /// <summary>Runs a constructor whose argument errors are bad input.</summary>
    private static T Guard<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException ex)
        {
            throw new CliException(OneLine(ex.Message));
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
