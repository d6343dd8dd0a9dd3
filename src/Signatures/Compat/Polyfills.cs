#if !NET
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Declarative;

/// <summary>The few .NET APIs the shared model uses that netstandard2.0 lacks (for the source generator's build).</summary>
internal static class Polyfills
{
    extension(ArgumentNullException)
    {
        public static void ThrowIfNull([NotNull] object? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
        {
            if (argument is null)
            {
                throw new ArgumentNullException(paramName);
            }
        }
    }

    extension(ArgumentException)
    {
        public static void ThrowIfNullOrEmpty([NotNull] string? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
        {
            if (argument is null || argument.Length == 0)
            {
                throw new ArgumentException("The value cannot be null or empty.", paramName);
            }
        }

        public static void ThrowIfNullOrWhiteSpace([NotNull] string? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
        {
            if (argument is null || string.IsNullOrWhiteSpace(argument))
            {
                throw new ArgumentException("The value cannot be null, empty or white space.", paramName);
            }
        }
    }

    extension(char)
    {
        public static bool IsAsciiLetter(char c) => (c | 0x20) is >= 'a' and <= 'z';
    }

    extension(double)
    {
        public static bool IsNegative(double d) => BitConverter.DoubleToInt64Bits(d) < 0;
    }

    extension(string text)
    {
        public bool Contains(char c) => text.IndexOf(c) >= 0;

        public bool StartsWith(char c) => text.Length > 0 && text[0] == c;

        public bool EndsWith(char c) => text.Length > 0 && text[text.Length - 1] == c;
    }

    public static void Deconstruct<TKey, TValue>(this KeyValuePair<TKey, TValue> pair, out TKey key, out TValue value)
    {
        key = pair.Key;
        value = pair.Value;
    }

    public static HashSet<T> ToHashSet<T>(this IEnumerable<T> source, IEqualityComparer<T>? comparer = null) => new(source, comparer);
}
#endif
