using System.Text.Json.Nodes;

namespace Declarative.Optimizers;

/// <summary>MIPROv2's first two stages: demo-set candidates and grounded instruction proposals.</summary>
public sealed partial class MiproV2
{
    /// <summary>
    /// Prompting tips, one drawn per proposal (the roles of DSPy's none, creative, simple, description, high_stakes and
    /// persona tips; the wording is this library's own).
    /// </summary>
    private static readonly string[] Tips =
    [
        string.Empty,
        "Feel free to be inventive: an unusual framing of the task may work better than the obvious one.",
        "Keep the instruction short, plain and direct.",
        "Make the instruction detailed: say exactly what the inputs are and what a good output looks like.",
        "Frame the task as one where mistakes are costly, so the model must be careful and precise.",
        "Begin the instruction by giving the model a persona suited to the task (\"You are a ...\").",
    ];

    /// <summary>Demo sets: set 0 none, set 1 labeled only, set 2 bootstrapped in order, the others from seeded shuffles.</summary>
    private async Task<List<Dictionary<string, IReadOnlyList<Example>>>> DemoSetsAsync<TProgram>(
        TProgram student,
        MiproPlan plan,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        Random random,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        var sets = new List<Dictionary<string, IReadOnlyList<Example>>>();
        if (options.ZeroShot)
        {
            return sets;
        }

        var predictors = student.NamedPredictors();
        var inputs = predictors.ToDictionary(p => p.Name, p => p.Predictor.Signature.InputFields.Select(f => f.Name).ToArray(), StringComparer.Ordinal);
        for (var i = 0; i < plan.DemoSets; i++)
        {
            if (i == 0)
            {
                sets.Add(predictors.ToDictionary(p => p.Name, _ => (IReadOnlyList<Example>)[], StringComparer.Ordinal));
                continue;
            }

            if (i == 1)
            {
                var labeled = new LabeledFewShot(new LabeledFewShotOptions { K = options.MaxLabeledDemos, Seed = options.Seed }).Compile(student, plan.Trainset);
                sets.Add(labeled.NamedPredictors().ToDictionary(p => p.Name, p => p.Predictor.Demos, StringComparer.Ordinal));
                continue;
            }

            // Drawn before the step, so a replayed run consumes the same random numbers.
            var examples = i == 2 ? plan.Trainset : ProgramDemos.Sample(random, plan.Trainset, int.MaxValue);
            var size = i == 2 ? options.MaxBootstrappedDemos : random.Next(Math.Min(1, options.MaxBootstrappedDemos), options.MaxBootstrappedDemos + 1);
            var bootstrap = new BootstrapFewShot(Metric, new BootstrapFewShotOptions
            {
                MaxBootstrappedDemos = size,
                MaxLabeledDemos = options.MaxLabeledDemos,
                MaxErrors = options.MaxErrors,
                MetricThreshold = options.MetricThreshold,
                Seed = options.Seed + i,
                TeacherClient = options.TeacherClient,
            });
            var set = await optimizationRun.ReplayableAsync(
                $"mipro/demos/set={i}",
                async ct =>
                {
                    var program = await bootstrap.CompileAsync(student, examples, run, context, ct).ConfigureAwait(false);
                    return program.NamedPredictors().ToDictionary(p => p.Name, p => p.Predictor.Demos, StringComparer.Ordinal);
                },
                SaveSet,
                node => LoadSet(node, inputs),
                cancellationToken).ConfigureAwait(false);
            sets.Add(set);
        }

        return sets;
    }

    /// <summary>Instruction candidates per predictor: the original first, then grounded proposals.</summary>
    private async Task<Dictionary<string, List<string>>> InstructionsAsync(
        Module student,
        MiproPlan plan,
        List<Dictionary<string, IReadOnlyList<Example>>> demoSets,
        OptimizationRun optimizationRun,
        Random random,
        RunContext context,
        CancellationToken cancellationToken)
    {
        var promptModel = options.PromptModel ?? context;
        var dataSummary = options.DataAwareProposer ? await DatasetSummaryAsync(plan.Trainset, optimizationRun, promptModel, cancellationToken).ConfigureAwait(false) : "Not given.";
        var programSummary = "Not given.";
        if (options.ProgramAwareProposer)
        {
            var described = await optimizationRun.ProposeAsync(
                "mipro/program-summary",
                new Predict(ProposalSignatures.DescribeProgram) { Name = "mipro.describe_program" },
                new Dictionary<string, object?> { ["program_structure"] = SearchSteps.DescribeStructure(student), ["examples"] = SearchSteps.DescribeExamples(plan.Trainset.Take(3)) },
                promptModel,
                new CallSettings(),
                cancellationToken).ConfigureAwait(false);
            programSummary = SearchSteps.Text(described[0], "program_description");
        }

        var proposer = new Predict(ProposalSignatures.GroundedInstruction) { Name = "mipro.propose_instruction" };
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, predict) in student.NamedPredictors())
        {
            var list = new List<string> { predict.Signature.Instructions };
            for (var k = 1; k < plan.InstructionCandidates; k++)
            {
                var tip = options.TipAwareProposer ? Tips[random.Next(Tips.Length)] : string.Empty;
                IEnumerable<Example> demos = !options.FewshotAwareProposer ? []
                    : demoSets.Count > 0 ? demoSets[k % demoSets.Count][name]
                    : plan.Trainset.Take(3);
                var inputs = new Dictionary<string, object?>
                {
                    ["dataset_description"] = dataSummary,
                    ["program_description"] = programSummary,
                    ["module_description"] = $"{name}: {string.Join(", ", predict.Signature.InputFields.Select(f => f.Name))} -> {string.Join(", ", predict.Signature.OutputFields.Select(f => f.Name))}",
                    ["task_demos"] = demos.Any() ? SearchSteps.DescribeExamples(demos) : "No examples.",
                    ["previous_instructions"] = string.Join("\n", list.Select((s, j) => $"{j + 1}. {s}")),
                    ["basic_instruction"] = predict.Signature.Instructions,
                    ["tip"] = tip.Length > 0 ? tip : "No tip.",
                };
                var completions = await optimizationRun.ProposeAsync(
                    $"mipro/instructions/predictor={name}/candidate={k}",
                    proposer,
                    inputs,
                    promptModel,
                    new CallSettings { Temperature = (float)options.InitTemperature, RolloutId = $"mipro/{name}/{k}" },
                    cancellationToken).ConfigureAwait(false);
                var text = SearchSteps.Text(completions[0], "proposed_instruction");
                list.Add(text.Length > 0 ? text : list[0]); // an empty proposal keeps the original, so every index exists
            }

            result[name] = list;
        }

        return result;
    }

    /// <summary>Observations over batches of training examples (stopping when the model answers COMPLETE), then a summary.</summary>
    private async Task<string> DatasetSummaryAsync(IReadOnlyList<Example> trainset, OptimizationRun optimizationRun, RunContext promptModel, CancellationToken cancellationToken)
    {
        var describe = new Predict(ProposalSignatures.DescribeData) { Name = "mipro.describe_data" };
        var observations = string.Empty;
        var batches = Math.Min(10, (trainset.Count + options.ViewDataBatchSize - 1) / options.ViewDataBatchSize);
        for (var b = 0; b < batches; b++)
        {
            var examples = trainset.Skip(b * options.ViewDataBatchSize).Take(options.ViewDataBatchSize);
            var completions = await optimizationRun.ProposeAsync(
                $"mipro/dataset-summary/batch={b}",
                describe,
                new Dictionary<string, object?> { ["prior_observations"] = observations.Length > 0 ? observations : "None yet.", ["examples"] = SearchSteps.DescribeExamples(examples) },
                promptModel,
                new CallSettings(),
                cancellationToken).ConfigureAwait(false);
            var text = SearchSteps.Text(completions[0], "observations");
            if (b > 0 && text.StartsWith("COMPLETE", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            observations = observations.Length > 0 ? observations + "\n" + text : text;
        }

        if (observations.Length == 0)
        {
            return "Not given.";
        }

        var summary = await optimizationRun.ProposeAsync(
            "mipro/dataset-summary/summary",
            new Predict(ProposalSignatures.SummarizeData) { Name = "mipro.summarize_data" },
            new Dictionary<string, object?> { ["observations"] = observations },
            promptModel,
            new CallSettings(),
            cancellationToken).ConfigureAwait(false);
        return SearchSteps.Text(summary[0], "summary");
    }

    private static JsonNode SaveSet(Dictionary<string, IReadOnlyList<Example>> set)
    {
        var obj = new JsonObject();
        foreach (var (name, demos) in set)
        {
            obj[name] = new JsonArray(demos.Select(d => (JsonNode)Rollouts.SaveValues(d)).ToArray());
        }

        return obj;
    }

    private static Dictionary<string, IReadOnlyList<Example>> LoadSet(JsonNode? node, Dictionary<string, string[]> inputs) =>
        node!.AsObject().ToDictionary(
            p => p.Key,
            p => (IReadOnlyList<Example>)p.Value!.AsArray().Select(d =>
            {
                var values = Rollouts.LoadValues(d);
                return new Example(values, inputs[p.Key].Where(values.ContainsKey));
            }).ToList(),
            StringComparer.Ordinal);
}
