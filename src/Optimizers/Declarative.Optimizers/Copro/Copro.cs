using System.Globalization;
using Declarative.Pipeline;

namespace Declarative.Optimizers;

/// <summary>
/// Coordinate-ascent instruction search (DSPy's <c>COPRO</c>): for each predictor in turn, the prompt model proposes
/// instructions (with a prefix for the output field), each is scored on the training set with the other predictors at
/// their best so far, the best is kept; later depths propose from the scored history of that predictor. The result is
/// the best program scored.
/// </summary>
/// <remarks>
/// Proposals are asked as one request with <c>n</c> completions at <see cref="CoproOptions.InitTemperature"/>. An
/// instruction (with its prefix) already scored for a predictor is not scored again. Every scored program is a
/// candidate of the <see cref="OptimizationRun"/>, numbered in scoring order.
/// </remarks>
public sealed class Copro : SearchOptimizer
{
    private readonly CoproOptions options;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="metric">Scores the programs.</param>
    /// <param name="options">The settings (default: DSPy's).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Copro(Metric metric, CoproOptions? options = null)
        : base(metric)
    {
        options ??= new CoproOptions();
        options.Validate();
        this.options = options;
    }

    /// <inheritdoc />
    /// <remarks>Candidates are scored on <paramref name="valset"/>, or on the training set when it is <see langword="null"/> (as DSPy).</remarks>
    public override async Task<OptimizationResult<TProgram>> OptimizeAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example>? valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        CancellationToken cancellationToken = default)
        => await SearchWithinBudgetAsync(student, trainset, run, context, optimizationRun, () =>
            SearchAsync(student, valset ?? trainset, run, context, optimizationRun, cancellationToken)).ConfigureAwait(false);

    private async Task SearchAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> scoreset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        var promptModel = options.PromptModel ?? context;
        var state = ProgramState.Capture(student);
        var names = state.Predictors.Keys.ToList();
        var pending = new Dictionary<string, List<Proposal>>(StringComparer.Ordinal);
        var scored = new Dictionary<string, List<(Proposal Proposal, double Score)>>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var original = state.Predictors[name];
            var proposals = await ProposeAsync(
                optimizationRun, $"copro/depth=0/predictor={name}/proposals", ProposalSignatures.BasicInstruction,
                new Dictionary<string, object?> { ["basic_instruction"] = original.Instructions }, options.Breadth - 1, promptModel, cancellationToken).ConfigureAwait(false);
            pending[name] = [new Proposal(original.Instructions, original.Fields[^1].Prefix), .. proposals];
            scored[name] = [];
        }

        var index = 0;
        for (var depth = 0; depth < options.Depth; depth++)
        {
            foreach (var name in names)
            {
                for (var i = 0; i < pending[name].Count; i++)
                {
                    var proposal = pending[name][i];
                    if (scored[name].Exists(s => s.Proposal == proposal))
                    {
                        continue;
                    }

                    var candidate = SearchSteps.WithInstruction(state, name, proposal.Instruction, proposal.Prefix);
                    var program = student.WithState(candidate);
                    var rollouts = await optimizationRun.EvaluateAsync(
                        $"copro/depth={depth}/predictor={name}/candidate={i}/eval", program, scoreset, run, context, Metric, options.MaxParallelism, traced: false, cancellationToken).ConfigureAwait(false);
                    var score = Rollouts.Percent(rollouts.Select(r => r.Score));
                    scored[name].Add((proposal, score));
                    await optimizationRun.AddCandidateAsync(
                        SearchSteps.Candidate(index++, $"depth {depth}, {name}, instruction {i}", rollouts, true, candidate, new Dictionary<string, string>
                        {
                            ["depth"] = depth.ToString(CultureInfo.InvariantCulture),
                            ["predictor"] = name,
                            ["instruction"] = proposal.Instruction,
                            ["prefix"] = proposal.Prefix,
                        }),
                        cancellationToken).ConfigureAwait(false);
                }

                // Keep this predictor's best (the earliest on a tie) while the next predictor is searched.
                var best = scored[name].Aggregate((a, b) => b.Score > a.Score ? b : a);
                state = SearchSteps.WithInstruction(state, name, best.Proposal.Instruction, best.Proposal.Prefix);
            }

            if (depth == options.Depth - 1)
            {
                break;
            }

            foreach (var name in names)
            {
                // The best Breadth attempts, shown worst first so the best is last (as DSPy).
                var attempts = scored[name].OrderByDescending(s => s.Score).Take(options.Breadth).Reverse().ToList();
                var text = string.Join("\n\n", attempts.Select((a, k) => string.Create(
                    CultureInfo.InvariantCulture,
                    $"Instruction #{k + 1}: {a.Proposal.Instruction}\nPrefix #{k + 1}: {a.Proposal.Prefix}\nResulting score #{k + 1}: {a.Score}")));
                pending[name] = await ProposeAsync(
                    optimizationRun, $"copro/depth={depth + 1}/predictor={name}/proposals", ProposalSignatures.InstructionFromAttempts,
                    new Dictionary<string, object?> { ["attempted_instructions"] = text }, options.Breadth, promptModel, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<List<Proposal>> ProposeAsync(
        OptimizationRun optimizationRun,
        string key,
        Signature signature,
        Dictionary<string, object?> inputs,
        int n,
        RunContext promptModel,
        CancellationToken cancellationToken)
    {
        var proposer = new Predict(signature) { Name = "copro.propose" };
        var completions = await optimizationRun.ProposeAsync(
            key, proposer, inputs, promptModel, new CallSettings { N = n, Temperature = (float)options.InitTemperature }, cancellationToken).ConfigureAwait(false);
        return completions
            .Select(c => new Proposal(SearchSteps.Text(c, "proposed_instruction"), SearchSteps.Text(c, "proposed_prefix_for_output_field")))
            .Where(p => p.Instruction.Length > 0)
            .ToList();
    }

    /// <summary>One proposed instruction with its output-field prefix.</summary>
    private sealed record Proposal(string Instruction, string Prefix);
}
