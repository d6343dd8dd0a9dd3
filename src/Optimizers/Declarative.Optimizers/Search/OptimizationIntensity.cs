namespace Declarative.Optimizers;

/// <summary>How much a search optimizer spends when its budget is set automatically (DSPy's <c>auto</c>).</summary>
public enum OptimizationIntensity
{
    /// <summary>A quick run (DSPy's <c>"light"</c>).</summary>
    Light,

    /// <summary>A moderate run (DSPy's <c>"medium"</c>).</summary>
    Medium,

    /// <summary>A thorough run (DSPy's <c>"heavy"</c>).</summary>
    Heavy,
}
