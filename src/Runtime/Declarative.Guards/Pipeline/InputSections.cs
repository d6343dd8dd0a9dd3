using System.Text.RegularExpressions;

namespace Declarative.Guards;

/// <summary>
/// Finds the input field sections (<c>[[ ## name ## ]]</c> headers, as the Chat and JSON adapters format them) in a
/// user message. A section runs to the next header, or for the last one to the adapter's closing
/// "Respond with …" paragraph (its last occurrence) or the end of the text.
/// </summary>
internal static partial class InputSections
{
    [GeneratedRegex(@"(?:^|\n\n)\[\[ ## (?<name>[A-Za-z_][A-Za-z0-9_]*) ## \]\]\n")]
    private static partial Regex Header();

    /// <summary>
    /// Finds the sections. With <paramref name="fields"/> (the call's input field names, <see cref="OptionKeys.InputFields"/>)
    /// only headers naming one of them start a section; any other header belongs to the value around it.
    /// </summary>
    public static List<Section> Parse(string text, IReadOnlySet<string>? fields = null)
    {
        var sections = new List<Section>();
        var headers = Header().Matches(text).Where(h => fields is null || fields.Contains(h.Groups["name"].Value)).ToList();
        for (var i = 0; i < headers.Count; i++)
        {
            var name = headers[i].Groups["name"].Value;
            if (name == "completed")
            {
                continue;
            }

            var start = headers[i].Index + headers[i].Length;
            int end;
            if (i + 1 < headers.Count)
            {
                end = headers[i + 1].Index;
            }
            else
            {
                var respond = text.LastIndexOf("\n\nRespond with ", StringComparison.Ordinal);
                end = respond >= start ? respond : text.Length;
            }

            sections.Add(new Section(name, start, Math.Max(0, end - start)));
        }

        return sections;
    }

    /// <summary>
    /// The value with the headers the runtime wrote into a structured field (<paramref name="names"/>, in order, each
    /// once) blanked out, offsets kept: what is left for the rules to scan. A header not in the list, or one met again,
    /// stays and is found as a fake field marker.
    /// </summary>
    public static string Unstructure(string value, IReadOnlyList<string> names)
    {
        var chars = value.ToCharArray();
        var from = 0;
        foreach (var name in names)
        {
            var header = $"[[ ## {name} ## ]]";
            var at = value.IndexOf(header, from, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            Array.Fill(chars, ' ', at, header.Length);
            from = at + header.Length;
        }

        return new string(chars);
    }

    /// <summary>One field's value inside a message text.</summary>
    internal readonly record struct Section(string Name, int Start, int Length);
}
