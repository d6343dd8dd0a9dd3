using System.Text;

namespace Declarative.Runtime.LLama;

/// <summary>
/// Finds stop sequences in the text generated so far and says how much of it may be emitted: text that could still
/// turn out to be the start of a stop sequence is held back, and an incomplete UTF-8 character is never decoded.
/// </summary>
internal sealed class StopScanner(IReadOnlyList<string> stops)
{
    private int emitted;

    /// <summary>Whether a stop sequence was found.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The new text that is safe to emit, and whether a stop sequence ended the reply (it is not emitted).</summary>
    public (string Delta, bool Stopped) Next(List<byte> output)
    {
        var text = Decode(output, CompleteLength(output));
        var cut = -1;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
            {
                cut = at;
            }
        }

        if (cut >= 0)
        {
            Stopped = true;
            var delta = cut > emitted ? text[emitted..cut] : string.Empty;
            emitted = Math.Max(emitted, cut);
            return (delta, true);
        }

        var safe = text.Length - HeldBack(text);
        var next = safe > emitted ? text[emitted..safe] : string.Empty;
        emitted = Math.Max(emitted, safe);
        return (next, false);
    }

    /// <summary>What is left to emit at the end of the reply (nothing after a stop sequence).</summary>
    public string Flush(List<byte> output, bool stopped)
    {
        if (stopped)
        {
            return string.Empty;
        }

        var text = Decode(output, output.Count);
        return text.Length > emitted ? text[emitted..] : string.Empty;
    }

    /// <summary>The length of the longest end of <paramref name="text"/> that begins some stop sequence.</summary>
    private int HeldBack(string text)
    {
        var held = 0;
        foreach (var stop in stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > held; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    held = length;
                    break;
                }
            }
        }

        return held;
    }

    private static string Decode(List<byte> bytes, int count) =>
        Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)[..count]);

    /// <summary>The bytes up to the last complete UTF-8 character.</summary>
    private static int CompleteLength(List<byte> bytes)
    {
        var n = bytes.Count;
        for (var back = 1; back <= Math.Min(3, n); back++)
        {
            var b = bytes[n - back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: look further back for its lead
            }

            var need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return need > back ? n - back : n;
        }

        return n;
    }
}
