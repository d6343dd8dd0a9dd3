using System.Text.Json;
using Declarative.Grammars;
using Declarative.Values;

namespace Declarative.Retrieval.Sql;

/// <summary>
/// Answers a question from a database: a predictor writes one SELECT over the schema (under the schema's grammar, so
/// a backend that constrains decoding can only write a valid query), the <see cref="SqlChecker"/> checks it and runs
/// it read-only with a row limit and a timeout, and a second predictor answers from the rows.
/// </summary>
/// <remarks>
/// The predictors are named <c>generate</c> (<c>question, schema -> sql</c>) and <c>answer</c>
/// (<c>question, sql, rows -> answer</c>), so optimizers can give them demonstrations and instructions. The grammar is
/// attached to the ChatAdapter's requests under <see cref="OptionKeys.Grammar"/>; with another adapter, or a backend
/// that ignores grammars, the checker is the guard.
/// </remarks>
public class TextToSql : Module
{
    /// <summary>The instructions of the <c>generate</c> predictor.</summary>
    public const string GenerateInstructions =
        "Write one SQLite SELECT query that answers the question, using only the tables and columns of the schema. Write the query on one line, with no comments and no semicolon.";

    /// <summary>The instructions of the <c>answer</c> predictor.</summary>
    public const string AnswerInstructions =
        "Answer the question from the rows the SQL query returned (JSON: columns, rows, and whether the rows were cut at the row limit).";

    // Quotes and non-ASCII text are shown to the model as they are, not as \u escapes.
    private static readonly JsonSerializerOptions RowsJsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Grammar replyGrammar;
    private readonly string schemaText;
    private readonly int maxAttempts = 2;

    /// <summary>Creates the module.</summary>
    /// <param name="schema">The schema queries are written against (see <see cref="SqlSchemaSource"/>).</param>
    /// <param name="checker">Checks and runs the queries.</param>
    /// <param name="grammarOptions">Limits of the query grammar (default <see cref="SqlGrammarOptions.Default"/>).</param>
    public TextToSql(SqlSchema schema, SqlChecker checker, SqlGrammarOptions? grammarOptions = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(checker);
        Schema = schema;
        Checker = checker;
        replyGrammar = SqlGrammar.ForChatReply(schema, "sql", grammarOptions);
        schemaText = schema.Describe(); // the schema is immutable: described once, shown on every call
        Generate = new Predict(Signature.Parse("question: str, schema: str -> sql: str").WithInstructions(GenerateInstructions));
        Answer = new Predict(Signature.Parse("question: str, sql: str, rows: str -> answer: str").WithInstructions(AnswerInstructions));
    }

    /// <summary>The schema.</summary>
    public SqlSchema Schema { get; }

    /// <summary>The checker that guards and runs the queries.</summary>
    public SqlChecker Checker { get; }

    /// <summary>Writes the query.</summary>
    public Predict Generate { get; }

    /// <summary>Answers from the rows.</summary>
    public Predict Answer { get; }

    /// <summary>
    /// How many queries the model may write for one question (default 2): when the checker blocks a query, the model is
    /// asked again with the refused query and the checker's reason (at a new rollout id, so the cache does not replay the
    /// refusal). Only the last refusal is thrown, as <see cref="SqlBlockedException"/>; at least 1.
    /// </summary>
    public int MaxAttempts
    {
        get => maxAttempts;
        init => maxAttempts = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxAttempts), value, "TextToSql.MaxAttempts must be at least 1.");
    }

    /// <summary>The grammar of the <c>generate</c> predictor's ChatAdapter reply.</summary>
    public Grammar ReplyGrammar => replyGrammar;

    /// <summary>Answers a question.</summary>
    /// <param name="question">The question.</param>
    /// <param name="context">The run context.</param>
    /// <param name="settings">Settings for both calls.</param>
    /// <param name="cancellationToken">Cancels the calls and the query.</param>
    /// <returns>The query, its rows and the answer.</returns>
    /// <exception cref="SqlBlockedException">The checker blocked the last of the <see cref="MaxAttempts"/> queries the model wrote.</exception>
    /// <exception cref="TimeoutException">The query ran longer than the checker's timeout.</exception>
    /// <exception cref="AdapterParseException">A reply could not be parsed.</exception>
    public async Task<TextToSqlResult> InvokeAsync(string question, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        ArgumentNullException.ThrowIfNull(context);
        var constrained = context.WithClient(new SqlGrammarChatClient(context.Client, replyGrammar));
        var asked = question;
        string sql;
        SqlQueryResult rows;
        for (var attempt = 1; ; attempt++)
        {
            var attemptSettings = attempt == 1 ? settings : (settings ?? new CallSettings()) with
            {
                RolloutId = $"{settings?.RolloutId ?? context.Defaults?.RolloutId}sql-retry-{attempt - 1}",
            };
            var generated = await Generate.InvokeAsync(
                new Dictionary<string, object?> { ["question"] = asked, ["schema"] = schemaText }, constrained, attemptSettings, cancellationToken).ConfigureAwait(false);
            sql = CodeFence.Strip(generated.Get<string>("sql"));
            try
            {
                rows = await Checker.ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (SqlBlockedException ex) when (attempt < maxAttempts)
            {
                asked = $"{question}\n\n(A previous query was refused by the database's checker — {ex.Result.Reason ?? ex.Result.Kind.ToString()} — so write a different one. The refused query: {sql})";
            }
        }

        var answered = await Answer.InvokeAsync(
            new Dictionary<string, object?> { ["question"] = question, ["sql"] = sql, ["rows"] = RowsJson(rows) }, context, settings, cancellationToken).ConfigureAwait(false);
        return new TextToSqlResult(sql, rows, answered.Get<string>("answer"));
    }

    /// <summary>The rows as the <c>answer</c> predictor sees them: <c>{"columns":[…],"rows":[[…]…],"truncated":false}</c>.</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The JSON text.</returns>
    public static string RowsJson(SqlQueryResult rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return JsonSerializer.Serialize(new Dictionary<string, object?> { ["columns"] = rows.Columns, ["rows"] = rows.Rows, ["truncated"] = rows.Truncated }, RowsJsonOptions);
    }
}
