namespace Declarative.Optimizers;

/// <summary>One program tried by <see cref="BootstrapFewShotWithRandomSearch"/> and its validation score.</summary>
/// <typeparam name="TProgram">The program's type.</typeparam>
/// <param name="Seed">
/// DSPy's candidate seed: -3 the zero-shot student, -2 labeled demos only, -1 bootstrapped from the unshuffled
/// training set, 0 and up bootstrapped from a shuffled training set.
/// </param>
/// <param name="Score">The validation score in percent.</param>
/// <param name="MaxBootstrappedDemos">The bootstrapped-demo limit the candidate was compiled with (0 for seeds -3 and -2).</param>
/// <param name="DemoCounts">How many demos each predictor got, by predictor name.</param>
/// <param name="Program">The candidate program.</param>
public sealed record RandomSearchCandidate<TProgram>(
    int Seed,
    double Score,
    int MaxBootstrappedDemos,
    IReadOnlyDictionary<string, int> DemoCounts,
    TProgram Program)
    where TProgram : Module;

/// <summary>What <see cref="BootstrapFewShotWithRandomSearch.SearchAsync"/> found.</summary>
/// <typeparam name="TProgram">The program's type.</typeparam>
/// <param name="BestProgram">The highest-scoring candidate (the earliest on a tie).</param>
/// <param name="BestScore">Its validation score in percent.</param>
/// <param name="Candidates">Every candidate tried, in the order tried (DSPy lists them best first; sort by <see cref="RandomSearchCandidate{TProgram}.Score"/> for that).</param>
public sealed record RandomSearchResult<TProgram>(
    TProgram BestProgram,
    double BestScore,
    IReadOnlyList<RandomSearchCandidate<TProgram>> Candidates)
    where TProgram : Module;
