using System.Text;

namespace Declarative;

/// <summary>The naming conventions DSPy uses for field names and prefixes.</summary>
public static class Naming
{
    /// <summary>
    /// The snake_case form of a C# member name, as DSPy spells field names:
    /// <c>QuestionText</c> → <c>question_text</c>, <c>HTMLParser</c> → <c>html_parser</c>.
    /// </summary>
    /// <param name="name">A member name.</param>
    /// <returns>The snake_case name.</returns>
    public static string ToSnakeCase(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && name[i - 1] != '_')
            {
                var prev = name[i - 1];
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(prev) || char.IsDigit(prev) || (char.IsUpper(prev) && nextIsLower))
                {
                    sb.Append('_');
                }
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary>
    /// DSPy's inferred prefix of a field: words split at underscores, case changes and digits, each
    /// capitalized unless it is an acronym, followed by a colon (<c>question_text</c> → <c>Question Text:</c>).
    /// </summary>
    /// <param name="name">A field name.</param>
    /// <returns>The prefix, with its colon.</returns>
    public static string InferPrefix(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var words = new List<string>();
        var current = new StringBuilder();
        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '_')
            {
                Flush();
                continue;
            }

            if (current.Length > 0)
            {
                var prev = name[i - 1];
                var boundary =
                    (char.IsUpper(c) && (char.IsLower(prev) || char.IsDigit(prev)))
                    || (char.IsUpper(c) && char.IsUpper(prev) && i + 1 < name.Length && char.IsLower(name[i + 1]))
                    || (char.IsDigit(c) && char.IsLetter(prev))
                    || (char.IsLetter(c) && char.IsDigit(prev));
                if (boundary)
                {
                    Flush();
                }
            }

            current.Append(c);
        }

        Flush();
        var titled = words.Select(w => w.Any(char.IsLetter) && w.Where(char.IsLetter).All(char.IsUpper)
            ? w
            : char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant());
        return string.Join(" ", titled) + ":";
    }

    /// <summary>Whether <paramref name="name"/> is a valid field name: a letter or underscore, then letters, digits or underscores.</summary>
    /// <param name="name">The candidate.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidFieldName(string? name) =>
        name is { Length: > 0 }
        && (char.IsLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsLetterOrDigit(c) || c == '_');
}
