using System.Text;

namespace Declarative.Optimizers;

/// <summary>An RFC 4180 record reader: each record with the line it starts on.</summary>
internal static class CsvRecords
{
    public static IEnumerable<(int Line, List<string> Fields)> Read(TextReader reader, string path)
    {
        var line = 1;
        while (reader.Peek() >= 0)
        {
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var atFieldStart = true;
            while (true)
            {
                var c = reader.Read();
                if (c < 0)
                {
                    if (quoted)
                    {
                        throw new DatasetException(path, start, "a quoted field is not closed; end it with a double quote.");
                    }

                    break;
                }

                var ch = (char)c;
                if (quoted)
                {
                    if (ch == '"')
                    {
                        if (reader.Peek() == '"')
                        {
                            reader.Read();
                            field.Append('"');
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        if (ch == '\n')
                        {
                            line++;
                        }

                        field.Append(ch);
                    }

                    continue;
                }

                if (ch == '"' && atFieldStart)
                {
                    quoted = true;
                    atFieldStart = false;
                }
                else if (ch == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    atFieldStart = true;
                }
                else if (ch == '\r' && reader.Peek() == '\n')
                {
                    continue;
                }
                else if (ch == '\n')
                {
                    line++;
                    break;
                }
                else
                {
                    field.Append(ch);
                    atFieldStart = false;
                }
            }

            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }
}
