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

    public static List<Section> Parse(string text)
    {
        var sections = new List<Section>();
        var headers = Header().Matches(text);
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

    /// <summary>One field's value inside a message text.</summary>
    internal readonly record struct Section(string Name, int Start, int Length);
}
