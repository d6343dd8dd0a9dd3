namespace Declarative.Retrieval;

/// <summary>Options of <see cref="HnswIndex"/>; validated when the index is built.</summary>
public sealed class HnswOptions
{
    /// <summary>Links per node on the upper layers (default 16; twice as many on the bottom layer). Between 2 and 128.</summary>
    public int M { get; set; } = 16;

    /// <summary>Candidates kept while linking a new node (default 200). At least <see cref="M"/>; higher builds slower and finds better links.</summary>
    public int EfConstruction { get; set; } = 200;

    /// <summary>Candidates kept while searching (default 64; a search uses at least k). Higher is slower and more exact.</summary>
    public int EfSearch { get; set; } = 64;

    /// <summary>Seed of the random layer assignment (default 42): the same seed and insertion order build the same graph.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>How vectors are compared (default cosine).</summary>
    public VectorMetric Metric { get; set; } = VectorMetric.Cosine;

    internal void Validate()
    {
        if (M is < 2 or > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(M), M, "HnswOptions.M must be between 2 and 128 (16 is usual).");
        }

        if (EfConstruction < M)
        {
            throw new ArgumentOutOfRangeException(nameof(EfConstruction), EfConstruction, "HnswOptions.EfConstruction must be at least M.");
        }

        if (EfSearch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EfSearch), EfSearch, "HnswOptions.EfSearch must be at least 1.");
        }

        if (!Enum.IsDefined(Metric))
        {
            throw new ArgumentOutOfRangeException(nameof(Metric), Metric, "HnswOptions.Metric is not a VectorMetric.");
        }
    }
}
