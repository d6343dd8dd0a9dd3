using Declarative.Grammars;

namespace Declarative.Retrieval.Sql;

/// <summary>
/// Builds the grammar (the project's grammar IR) of one read-only SELECT over a schema, so that a model decoding under
/// it can only write a query that names the database's own tables and columns:
/// <c>SELECT [DISTINCT] items FROM table [JOIN table ON a.x = b.y]… [WHERE …] [GROUP BY … [HAVING …]] [ORDER BY …] [LIMIT n]</c>.
/// </summary>
/// <remarks>
/// The dialect, written on one line with single spaces and upper-case keywords: select items are <c>*</c> or value
/// expressions (columns, numbers, <c>'…'</c> strings with <c>''</c> escapes, <c>LOWER UPPER LENGTH ABS ROUND</c> of a
/// column, <c>+ - * /</c>) and the aggregates <c>COUNT(*)</c>, <c>COUNT SUM AVG MIN MAX ([DISTINCT] value)</c>;
/// conditions use <c>= != &lt;&gt; &lt; &lt;= &gt; &gt;=</c>, <c>[NOT] IN (literals)</c>, <c>[NOT] LIKE '…'</c>,
/// <c>[NOT] BETWEEN … AND …</c>, <c>IS [NOT] NULL</c>, <c>AND OR NOT</c> and one level of parentheses. Joins follow
/// declared foreign keys. The grammar has one branch per join chain, and in each branch a column is written
/// <c>table.column</c> for a table of that chain, or bare when no other table of the chain has a column of that name,
/// so every query it accepts also resolves its names. Aggregates appear only in select items, HAVING and ORDER BY;
/// GROUP BY and ORDER BY name columns, never positions.
/// </remarks>
public static class SqlGrammar
{
    private static readonly string[] Comparisons = ["=", "!=", "<>", "<", "<=", ">", ">="];
    private static readonly System.Collections.ObjectModel.ReadOnlyCollection<string> Aggregates = Array.AsReadOnly(["COUNT", "SUM", "AVG", "MIN", "MAX"]);

    /// <summary>The scalar functions the dialect allows (applied to one column).</summary>
    public static IReadOnlyList<string> ScalarFunctions { get; } = Array.AsReadOnly(["LOWER", "UPPER", "LENGTH", "ABS", "ROUND"]);

    /// <summary>The aggregate functions the dialect allows.</summary>
    public static IReadOnlyList<string> AggregateFunctions => Aggregates;

    /// <summary>The grammar of one query, without a trailing semicolon.</summary>
    /// <param name="schema">The schema whose tables and columns the query may name.</param>
    /// <param name="options">Limits (default <see cref="SqlGrammarOptions.Default"/>).</param>
    /// <returns>The grammar; <see cref="Grammar.ToGbnf"/> prints it for llama.cpp.</returns>
    /// <exception cref="ArgumentException">The schema has no table, or more join chains than <see cref="SqlGrammarOptions.MaxScopes"/>.</exception>
    public static Grammar Build(SqlSchema schema, SqlGrammarOptions? options = null)
    {
        var rules = new RuleSet();
        rules.Reserve("root");
        rules.Define("root", Query(schema, options, rules));
        return rules.ToGrammar("root");
    }

    /// <summary>
    /// The grammar of a ChatAdapter reply whose only output is the query: <c>[[ ## field ## ]]</c>, a newline, the
    /// query, a blank line and <c>[[ ## completed ## ]]</c> (what <see cref="SignatureGrammar.ForChat"/> writes for a
    /// one-output signature, with the query's grammar for the value).
    /// </summary>
    /// <param name="schema">The schema.</param>
    /// <param name="field">The output field's name.</param>
    /// <param name="options">Limits (default <see cref="SqlGrammarOptions.Default"/>).</param>
    /// <returns>The grammar.</returns>
    public static Grammar ForChatReply(SqlSchema schema, string field, SqlGrammarOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        var rules = new RuleSet();
        rules.Reserve("root");
        var query = rules.Define("sql", Query(schema, options, rules));
        rules.Define("root", GrammarNode.Seq(GrammarNode.Literal($"[[ ## {field} ## ]]\n"), query, GrammarNode.Literal("\n\n[[ ## completed ## ]]")));
        return rules.ToGrammar("root");
    }

    private static GrammarNode Query(SqlSchema schema, SqlGrammarOptions? options, RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(schema);
        options ??= SqlGrammarOptions.Default;
        options.Validate();
        if (schema.Tables.Count == 0)
        {
            throw new ArgumentException("The schema has no tables, so no query can be written against it; point at a database with at least one table.", nameof(schema));
        }

        Shared(rules);
        var scopes = SqlJoinScope.Enumerate(schema, options.MaxJoins, options.MaxScopes);
        var branches = new List<GrammarNode>(scopes.Count);
        for (var i = 0; i < scopes.Count; i++)
        {
            branches.Add(ScopeQuery(scopes[i], "q" + (i + 1) + "-" + string.Join("-", scopes[i].Tables.Select(t => t.Name)), options, rules));
        }

        return GrammarNode.Choice(branches);
    }

    /// <summary>Rules every branch shares: literals, operators, function names.</summary>
    private static void Shared(RuleSet rules)
    {
        var digits = GrammarNode.Plus(GrammarNode.Class(new CodePointRange('0', '9')));
        rules.Define("number", GrammarNode.Seq(GrammarNode.Optional(GrammarNode.Literal("-")), digits, GrammarNode.Optional(GrammarNode.Seq(GrammarNode.Literal("."), digits))));

        // Any character but the quote and control characters; a quote is written twice.
        var plain = GrammarNode.NotClass([new CodePointRange(0, 0x1F), new CodePointRange('\'', '\''), new CodePointRange(0x7F, 0x7F)]);
        rules.Define("string", GrammarNode.Seq(GrammarNode.Literal("'"), GrammarNode.Star(GrammarNode.Choice(plain, GrammarNode.Literal("''"))), GrammarNode.Literal("'")));
        rules.Define("literal", GrammarNode.Choice(GrammarNode.Ref("number"), GrammarNode.Ref("string")));
        rules.Define("limit", GrammarNode.Repeat(GrammarNode.Class(new CodePointRange('0', '9')), 1, 6));
        rules.Define("cmp", GrammarNode.Choice(Comparisons.Select(c => GrammarNode.Literal(" " + c + " "))));
        rules.Define("arith", GrammarNode.Choice("+-*/".Select(c => GrammarNode.Literal($" {c} "))));
        rules.Define("scalar-fn", GrammarNode.Choice(ScalarFunctions.Select(GrammarNode.Literal)));
        rules.Define("agg-fn", GrammarNode.Choice(Aggregates.Select(GrammarNode.Literal)));
        rules.Define("in-list", GrammarNode.Seq(
            GrammarNode.Literal("("), GrammarNode.Ref("literal"), GrammarNode.Star(GrammarNode.Seq(GrammarNode.Literal(", "), GrammarNode.Ref("literal"))), GrammarNode.Literal(")")));
    }

    private static GrammarNode ScopeQuery(SqlJoinScope scope, string p, SqlGrammarOptions options, RuleSet rules)
    {
        GrammarNode R(string name) => GrammarNode.Ref(p + "-" + name);
        GrammarNode L(string text) => GrammarNode.Literal(text);
        GrammarNode Define(string name, GrammarNode body) => rules.Define(p + "-" + name, body);

        Define("col", GrammarNode.Choice(Columns(scope).Select(L)));
        var operand = GrammarNode.Choice(R("col"), GrammarNode.Ref("literal"), GrammarNode.Seq(GrammarNode.Ref("scalar-fn"), L("("), R("col"), L(")")));
        Define("operand", operand);
        Define("value", GrammarNode.Seq(R("operand"), GrammarNode.Repeat(GrammarNode.Seq(GrammarNode.Ref("arith"), R("operand")), 0, 2)));
        Define("agg", GrammarNode.Choice(
            L("COUNT(*)"),
            GrammarNode.Seq(GrammarNode.Ref("agg-fn"), L("("), GrammarNode.Optional(L("DISTINCT ")), R("value"), L(")"))));
        Define("a-operand", GrammarNode.Choice(R("operand"), R("agg")));
        Define("a-value", GrammarNode.Seq(R("a-operand"), GrammarNode.Repeat(GrammarNode.Seq(GrammarNode.Ref("arith"), R("a-operand")), 0, 2)));

        Conditions(p + "-where", R("value"), rules);
        Conditions(p + "-having", R("a-value"), rules);

        var from = new List<GrammarNode> { L(SqlIdentifier.Quote(scope.Tables[0].Name)) };
        foreach (var (table, on) in scope.Joins)
        {
            var forward = string.Join(" AND ", on.Select(pair => pair.Left + " = " + pair.Right));
            var backward = string.Join(" AND ", on.Select(pair => pair.Right + " = " + pair.Left));
            from.Add(GrammarNode.Choice(L(" JOIN "), L(" LEFT JOIN ")));
            from.Add(L(SqlIdentifier.Quote(table.Name) + " ON "));
            from.Add(GrammarNode.Choice(L(forward), L(backward)));
        }

        Define("from", GrammarNode.Seq(from));
        var items = GrammarNode.Choice(
            L("*"),
            GrammarNode.Seq(R("a-value"), GrammarNode.Repeat(GrammarNode.Seq(L(", "), R("a-value")), 0, options.MaxSelectItems - 1)));
        var groupBy = GrammarNode.Seq(
            L(" GROUP BY "), R("col"), GrammarNode.Repeat(GrammarNode.Seq(L(", "), R("col")), 0, 3),
            GrammarNode.Optional(GrammarNode.Seq(L(" HAVING "), GrammarNode.Ref(p + "-having-cond"))));
        var orderItem = GrammarNode.Seq(GrammarNode.Choice(R("col"), R("agg")), GrammarNode.Optional(GrammarNode.Choice(L(" ASC"), L(" DESC"))));
        var orderBy = GrammarNode.Seq(L(" ORDER BY "), orderItem, GrammarNode.Repeat(GrammarNode.Seq(L(", "), orderItem), 0, 2));
        return Define("query", GrammarNode.Seq(
            L("SELECT "), GrammarNode.Optional(L("DISTINCT ")), items, L(" FROM "), R("from"),
            GrammarNode.Optional(GrammarNode.Seq(L(" WHERE "), GrammarNode.Ref(p + "-where-cond"))),
            GrammarNode.Optional(groupBy),
            GrammarNode.Optional(orderBy),
            GrammarNode.Optional(GrammarNode.Seq(L(" LIMIT "), GrammarNode.Ref("limit")))));
    }

    /// <summary>Boolean conditions over a value rule: OR of ANDs of optionally negated predicates, one level of parentheses.</summary>
    private static void Conditions(string p, GrammarNode value, RuleSet rules)
    {
        GrammarNode L(string text) => GrammarNode.Literal(text);
        var not = GrammarNode.Optional(L(" NOT"));
        var predicate = GrammarNode.Choice(
            GrammarNode.Seq(value, GrammarNode.Ref("cmp"), value),
            GrammarNode.Seq(value, not, L(" IN "), GrammarNode.Ref("in-list")),
            GrammarNode.Seq(value, not, L(" LIKE "), GrammarNode.Ref("string")),
            GrammarNode.Seq(value, not, L(" BETWEEN "), value, L(" AND "), value),
            GrammarNode.Seq(value, L(" IS "), GrammarNode.Optional(L("NOT ")), L("NULL")));
        rules.Define(p + "-pred", predicate);
        GrammarNode Disjunction(GrammarNode atom)
        {
            var term = GrammarNode.Seq(GrammarNode.Optional(L("NOT ")), atom);
            var conjunction = GrammarNode.Seq(term, GrammarNode.Star(GrammarNode.Seq(L(" AND "), term)));
            return GrammarNode.Seq(conjunction, GrammarNode.Star(GrammarNode.Seq(L(" OR "), conjunction)));
        }

        rules.Define(p + "-inner", Disjunction(GrammarNode.Ref(p + "-pred")));
        rules.Define(p + "-cond", Disjunction(GrammarNode.Choice(
            GrammarNode.Ref(p + "-pred"),
            GrammarNode.Seq(L("("), GrammarNode.Ref(p + "-inner"), L(")")))));
    }

    /// <summary>The column references of a scope: qualified for every column, bare where the name is unique in the scope.</summary>
    private static IEnumerable<string> Columns(SqlJoinScope scope)
    {
        var counts = scope.Tables.SelectMany(t => t.Columns).GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        foreach (var table in scope.Tables)
        {
            foreach (var column in table.Columns)
            {
                yield return SqlJoinScope.Qualified(table, column.Name);
                if (counts[column.Name] == 1)
                {
                    yield return SqlIdentifier.Quote(column.Name);
                }
            }
        }
    }
}
