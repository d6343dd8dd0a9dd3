using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative.Optimizers;

/// <summary>
/// Loads examples from files (DSPy's <c>DataLoader</c>): JSON Lines, one object per line, or CSV with a header row.
/// Every example gets the declared input keys; the other values are its labels.
/// </summary>
public static class Dataset
{
    /// <summary>Loads a JSON Lines file: one JSON object of field values per non-blank line.</summary>
    /// <param name="path">The file.</param>
    /// <param name="inputKeys">The names of the input values; each line must have them all.</param>
    /// <returns>The examples, in file order. Strings, numbers (<see cref="long"/> or <see cref="double"/>) and booleans become .NET values, arrays lists and objects dictionaries.</returns>
    /// <exception cref="DatasetException">The file is missing, a line is not a JSON object, or it lacks an input key.</exception>
    public static IReadOnlyList<Example> LoadJsonl(string path, params IReadOnlyList<string> inputKeys)
    {
        var keys = CheckArguments(path, inputKeys);
        var examples = new List<Example>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject obj;
            try
            {
                obj = JsonNode.Parse(line) as JsonObject
                    ?? throw new DatasetException(path, lineNumber, "each line must be a JSON object of field values, such as {\"question\": \"…\", \"answer\": \"…\"}.");
            }
            catch (JsonException ex)
            {
                throw new DatasetException(path, lineNumber, $"not valid JSON ({ex.Message}).", ex);
            }

            var values = obj.Select(p => new KeyValuePair<string, object?>(p.Key, JsonValues.ToValue(p.Value))).ToList();
            examples.Add(Build(path, lineNumber, values, keys));
        }

        return examples;
    }

    /// <summary>Loads a CSV file (RFC 4180: comma-separated, double quotes around fields with commas, quotes or line breaks) whose first row names the fields.</summary>
    /// <param name="path">The file.</param>
    /// <param name="inputKeys">The names of the input columns.</param>
    /// <returns>The examples, in file order, with string values.</returns>
    /// <exception cref="DatasetException">The file is missing or has no header, a row has the wrong number of fields, or an input column is missing.</exception>
    public static IReadOnlyList<Example> LoadCsv(string path, params IReadOnlyList<string> inputKeys)
    {
        var keys = CheckArguments(path, inputKeys);
        using var reader = new StreamReader(path);
        var records = CsvRecords.Read(reader, path).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new DatasetException(path, 0, "the file is empty; the first row must name the fields.");
        }

        var header = records.Current.Fields;
        foreach (var key in keys)
        {
            if (!header.Contains(key, StringComparer.Ordinal))
            {
                throw new DatasetException(path, 1, $"the header has no column '{key}'; its columns are {string.Join(", ", header)}.");
            }
        }

        var examples = new List<Example>();
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // a blank line
            }

            if (fields.Count != header.Count)
            {
                throw new DatasetException(path, line, $"the row has {fields.Count} fields but the header has {header.Count}; quote fields that contain commas.");
            }

            examples.Add(Build(path, line, header.Select((h, i) => new KeyValuePair<string, object?>(h, fields[i])).ToList(), keys));
        }

        return examples;
    }

    private static string[] CheckArguments(string path, IReadOnlyList<string> inputKeys)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(inputKeys);
        if (inputKeys.Count == 0)
        {
            throw new ArgumentException("Name at least one input key (the fields the program reads); the others are labels.", nameof(inputKeys));
        }

        if (!File.Exists(path))
        {
            throw new DatasetException(path, 0, "the file does not exist.");
        }

        return [.. inputKeys];
    }

    private static Example Build(string path, int line, List<KeyValuePair<string, object?>> values, string[] keys)
    {
        foreach (var key in keys)
        {
            if (!values.Exists(v => v.Key == key))
            {
                throw new DatasetException(path, line, $"the example has no input '{key}'; it has {string.Join(", ", values.Select(v => v.Key))}.");
            }
        }

        return new Example(values, keys);
    }
}
