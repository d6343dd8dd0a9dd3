namespace Declarative.Optimizers;

/// <summary>DSPy's automatic search budget, shared by MIPROv2 and GEPA.</summary>
internal static class AutoBudget
{
    /// <summary>Instruction candidates per predictor for an intensity: 6, 12 or 18 (DSPy's <c>n</c>).</summary>
    public static int Candidates(OptimizationIntensity intensity) => intensity switch
    {
        OptimizationIntensity.Light => 6,
        OptimizationIntensity.Medium => 12,
        _ => 18,
    };

    /// <summary>Search trials for <paramref name="variables"/> searched parameters: max(2 · variables · log2 n, 1.5 n).</summary>
    public static int Trials(int variables, int candidates) =>
        (int)Math.Max(2 * variables * Math.Log2(candidates), 1.5 * candidates);
}
