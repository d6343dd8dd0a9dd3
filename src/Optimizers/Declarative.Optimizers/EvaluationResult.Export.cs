using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative.Optimizers;

/// <content>Exports: CSV, JSON and an HTML table.</content>
public sealed partial class EvaluationResult
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The rows as CSV (RFC 4180): <c>index</c>, the input columns, the output columns, <c>score</c>, <c>feedback</c>,
    /// <c>error</c>. Structured values are written as JSON.
    /// </summary>
    /// <returns>The CSV text, with a header row and <c>\n</c> line endings.</returns>
    public string ToCsv()
    {
        var (inputs, outputs) = Columns();
        var builder = new StringBuilder();
        var header = new[] { "index" }.Concat(inputs).Concat(outputs).Concat(["score", "feedback", "error"]);
        builder.AppendJoin(',', header.Select(Csv)).Append('\n');
        foreach (var row in Rows)
        {
            var cells = new List<string> { row.Index.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(inputs.Select(k => Text(row.Inputs.GetValueOrDefault(k))));
            cells.AddRange(outputs.Select(k => Text(row.Outputs.GetValueOrDefault(k))));
            cells.Add(row.Score.ToString("R", CultureInfo.InvariantCulture));
            cells.Add(row.Feedback ?? string.Empty);
            cells.Add(row.Error ?? string.Empty);
            builder.AppendJoin(',', cells.Select(Csv)).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>The result as one JSON object: <c>score</c> (percent), <c>n</c>, <c>errors</c> and <c>rows</c> (index, inputs, outputs, score, feedback, error).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var rows = new JsonArray();
        foreach (var row in Rows)
        {
            rows.Add(new JsonObject
            {
                ["index"] = row.Index,
                ["inputs"] = ToObject(row.Inputs),
                ["outputs"] = ToObject(row.Outputs),
                ["score"] = row.Score,
                ["feedback"] = row.Feedback,
                ["error"] = row.Error,
            });
        }

        var root = new JsonObject { ["score"] = Score, ["n"] = Count, ["errors"] = ErrorCount, ["rows"] = rows };
        return root.ToJsonString(JsonOptions);
    }

    /// <summary>The rows as an HTML table (for notebooks), every value HTML-escaped, with the score in a caption.</summary>
    /// <returns>The HTML fragment.</returns>
    public string ToHtml()
    {
        var (inputs, outputs) = Columns();
        var builder = new StringBuilder();
        builder.Append("<table class=\"declarative-evaluation\">\n<caption>")
            .Append(string.Create(CultureInfo.InvariantCulture, $"Score {Score}% over {Count} examples ({ErrorCount} errors)"))
            .Append("</caption>\n<thead><tr>");
        foreach (var name in new[] { "#" }.Concat(inputs).Concat(outputs).Concat(["score", "feedback", "error"]))
        {
            builder.Append("<th>").Append(WebUtility.HtmlEncode(name)).Append("</th>");
        }

        builder.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in Rows)
        {
            var cells = new List<string> { row.Index.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(inputs.Select(k => Text(row.Inputs.GetValueOrDefault(k))));
            cells.AddRange(outputs.Select(k => Text(row.Outputs.GetValueOrDefault(k))));
            cells.Add(row.Score.ToString("0.###", CultureInfo.InvariantCulture));
            cells.Add(row.Feedback ?? string.Empty);
            cells.Add(row.Error ?? string.Empty);
            builder.Append("<tr>");
            foreach (var cell in cells)
            {
                builder.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            }

            builder.Append("</tr>\n");
        }

        return builder.Append("</tbody>\n</table>\n").ToString();
    }

    private (List<string> Inputs, List<string> Outputs) Columns()
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        foreach (var row in Rows)
        {
            inputs.AddRange(row.Inputs.Keys.Where(k => !inputs.Contains(k)).ToList());
            outputs.AddRange(row.Outputs.Keys.Where(k => !outputs.Contains(k)).ToList());
        }

        return (inputs, outputs);
    }

    private static JsonObject ToObject(IReadOnlyDictionary<string, object?> values)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in values)
        {
            obj[key] = PythonJson.ToNode(value);
        }

        return obj;
    }

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => PythonJson.ToNode(value)?.ToJsonString(JsonOptions) ?? string.Empty,
    };

    private static string Csv(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
