namespace System;

/// <summary>
/// The part of <c>System.HashCode</c> the linked signature model uses, for netstandard2.0 (where the type is missing):
/// hashes only need to be stable within one generator run.
/// </summary>
internal struct HashCode
{
    private int value;

    public static int Combine<T1, T2>(T1 a, T2 b)
    {
        var hash = default(HashCode);
        hash.Add(a);
        hash.Add(b);
        return hash.ToHashCode();
    }

    public static int Combine<T1, T2, T3>(T1 a, T2 b, T3 c)
    {
        var hash = default(HashCode);
        hash.Add(a);
        hash.Add(b);
        hash.Add(c);
        return hash.ToHashCode();
    }

    public static int Combine<T1, T2, T3, T4>(T1 a, T2 b, T3 c, T4 d)
    {
        var hash = default(HashCode);
        hash.Add(a);
        hash.Add(b);
        hash.Add(c);
        hash.Add(d);
        return hash.ToHashCode();
    }

    public static int Combine<T1, T2, T3, T4, T5>(T1 a, T2 b, T3 c, T4 d, T5 e)
    {
        var hash = default(HashCode);
        hash.Add(a);
        hash.Add(b);
        hash.Add(c);
        hash.Add(d);
        hash.Add(e);
        return hash.ToHashCode();
    }

    public void Add<T>(T item) => value = unchecked((value * -1521134295) + (item is null ? 0 : EqualityComparer<T>.Default.GetHashCode(item)));

    public readonly int ToHashCode() => value;
}
