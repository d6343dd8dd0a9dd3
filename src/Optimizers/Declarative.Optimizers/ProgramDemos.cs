namespace Declarative.Optimizers;

/// <summary>Helpers optimizers share: copying a program with new demonstrations, and seeded sampling.</summary>
internal static class ProgramDemos
{
    /// <summary>A copy of <paramref name="program"/> whose named predictors have the given demos (the others keep theirs).</summary>
    public static TProgram WithDemos<TProgram>(TProgram program, IReadOnlyDictionary<string, IReadOnlyList<Example>> demos)
        where TProgram : Module
    {
        var state = ProgramState.Capture(program);
        var predictors = state.Predictors.ToDictionary(
            p => p.Key,
            p => demos.TryGetValue(p.Key, out var d) ? p.Value with { Demos = d } : p.Value,
            StringComparer.Ordinal);
        return program.WithState(new ProgramState(predictors));
    }

    /// <summary>
    /// <paramref name="count"/> items drawn without replacement, in draw order (a partial Fisher–Yates shuffle of a
    /// copy). Deterministic for a given <paramref name="random"/> state; the order differs from Python's
    /// <c>random.sample</c>.
    /// </summary>
    public static List<T> Sample<T>(Random random, IReadOnlyList<T> items, int count)
    {
        var pool = items.ToArray();
        count = Math.Clamp(count, 0, pool.Length);
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        return pool.Take(count).ToList();
    }

    /// <summary>Whether two examples hold the same names and equal values (DSPy compares demos to examples by value).</summary>
    public static bool SameValues(Example a, Example b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !Equals(value, other))
            {
                return false;
            }
        }

        return true;
    }
}
