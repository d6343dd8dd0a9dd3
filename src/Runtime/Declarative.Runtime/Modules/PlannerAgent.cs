using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Declarative.Tools;
using Microsoft.Extensions.AI;

namespace Declarative;

/// <summary>
/// A plan-then-execute agent: the <c>plan</c> predictor breaks the task into typed steps, each naming a tool or a
/// registered module and its arguments; the steps run in order (tools under the <see cref="ToolPolicy"/>, so the
/// allow-list, schema checks, approvals and budget apply), a step may use an earlier step's result by writing
/// <c>{step_N}</c>, and the <c>answer</c> chain of thought writes the signature's outputs from the executed steps.
/// Unlike <see cref="ReAct"/>, the model is asked once for the whole plan, so a run costs two LM calls plus the modules'.
/// </summary>
public sealed partial class PlannerAgent : Module, IInvokableModule
{
    private readonly IReadOnlyDictionary<string, AIFunction> tools;
    private readonly PlannerOptions options;
    private readonly string catalogue;
    private RegisteredModule[] modules;
    private Predict plan;
    private ChainOfThought answer;

    /// <summary>Creates the agent.</summary>
    /// <param name="signature">What the agent is given and must produce.</param>
    /// <param name="tools">The tools steps may call.</param>
    /// <param name="modules">The modules steps may call (default none).</param>
    /// <param name="options">Options (default: 10 steps, <see cref="ToolPolicy.Default"/>).</param>
    /// <exception cref="ArgumentException">There is no tool or module, or two share a name.</exception>
    public PlannerAgent(Signature signature, IEnumerable<AIFunction> tools, IEnumerable<RegisteredModule>? modules = null, PlannerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(tools);
        this.options = options ?? new PlannerOptions();
        this.options.Validate();
        var byName = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        this.modules = (modules ?? []).ToArray();
        foreach (var tool in tools)
        {
            if (!byName.TryAdd(tool.Name, tool))
            {
                throw new ArgumentException($"Two tools are named '{tool.Name}'; tool and module names must be unique.", nameof(tools));
            }
        }

        var names = byName.Keys.Concat(this.modules.Select(m => m.Name)).ToList();
        if (names.Count == 0 || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("Give the planner at least one tool or module, with names unique across both.", nameof(modules));
        }

        this.tools = byName;
        Signature = signature;
        catalogue = Catalogue(byName.Values, this.modules);
        plan = new Predict(PlanSignature(signature, names));
        answer = new ChainOfThought(signature.Append(new Field("executed_steps", FieldRole.Input) { Description = "The steps of the plan and their results", Untrusted = this.options.UntrustedResults }));
    }

    /// <summary>The signature the agent answers.</summary>
    public Signature Signature { get; }

    /// <summary>The predictor that writes the plan.</summary>
    public Predict Planner => plan;

    /// <summary>The chain of thought that writes the outputs from the executed steps.</summary>
    public ChainOfThought Answer => answer;

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, Predict Predictor)> NamedPredictors()
    {
        var result = new List<(string, Predict)> { ("plan", plan), ("answer.predict", answer.Predictor) };
        foreach (var module in modules)
        {
            result.AddRange(module.Module.NamedPredictors().Select(p => (p.Name == "self" ? $"modules.{module.Name}" : $"modules.{module.Name}.{p.Name}", p.Predictor)));
        }

        return result;
    }

    /// <inheritdoc />
    public override Module Clone()
    {
        var copy = (PlannerAgent)MemberwiseClone();
        copy.plan = (Predict)plan.Clone();
        copy.answer = (ChainOfThought)answer.Clone();
        copy.modules = modules.Select(m => m with { Module = m.Module.Clone() }).ToArray();
        return copy;
    }

    /// <summary>Plans, runs the steps and answers.</summary>
    /// <param name="inputs">A value for each input field of the signature.</param>
    /// <param name="context">The run context; tool decisions go to its trace when it is an <see cref="IToolTraceSink"/>.</param>
    /// <param name="settings">Settings for every LM call.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>A <see cref="PlannerPrediction"/>.</returns>
    /// <exception cref="ToolBudgetExceededException">The tool budget ran out under <see cref="ToolBudgetBehavior.Throw"/>.</exception>
    public async Task<Prediction> InvokeAsync(IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        var planned = await plan.InvokeAsync(new Dictionary<string, object?>(inputs) { ["tools"] = catalogue }, context, settings, cancellationToken).ConfigureAwait(false);
        var steps = ReadPlan(planned.Values.GetValueOrDefault("plan"));
        var run = new ToolRun(tools, options.Policy, nameof(PlannerAgent), context);
        var executed = new List<ExecutedStep>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var arguments = Substitute(step.Arguments, executed);
            if (i >= options.MaxSteps || run.BudgetSpent)
            {
                var why = i >= options.MaxSteps ? $"Skipped: the plan is longer than PlannerOptions.MaxSteps ({options.MaxSteps})." : "Skipped: the tool-call budget was used up.";
                executed.Add(new ExecutedStep(i + 1, step, arguments, StepStatus.Skipped, why, null, null));
                continue;
            }

            executed.Add(modules.FirstOrDefault(m => m.Name == step.Target) is { } module
                ? await RunModuleAsync(i + 1, step, arguments, module, context, settings, cancellationToken).ConfigureAwait(false)
                : await RunToolAsync(i + 1, step, arguments, run, cancellationToken).ConfigureAwait(false));
        }

        var final = await answer.InvokeAsync(
            new Dictionary<string, object?>(inputs) { ["executed_steps"] = Describe(executed) }, context, settings, cancellationToken).ConfigureAwait(false);
        return new PlannerPrediction(final, steps, executed, run.Decisions.ToArray());
    }

    private static async Task<ExecutedStep> RunToolAsync(int number, PlanStep step, IReadOnlyDictionary<string, object?> arguments, ToolRun run, CancellationToken cancellationToken)
    {
        var decision = await run.CallAsync(step.Target, arguments, cancellationToken).ConfigureAwait(false);
        var status = decision.Outcome switch
        {
            ToolOutcome.Succeeded => StepStatus.Completed,
            ToolOutcome.Failed => StepStatus.Failed,
            _ => StepStatus.Refused,
        };
        return new ExecutedStep(number, step, arguments, status, decision.Observation, decision, null);
    }

    private static async Task<ExecutedStep> RunModuleAsync(int number, PlanStep step, IReadOnlyDictionary<string, object?> arguments, RegisteredModule module, RunContext context, CallSettings? settings, CancellationToken cancellationToken)
    {
        try
        {
            var prediction = await ((IInvokableModule)module.Module).InvokeAsync(arguments, context, settings, cancellationToken).ConfigureAwait(false);
            var outputs = prediction.Values.Where(v => v.Key != ChainOfThought.ReasoningField).ToList();
            var result = outputs.Count == 1 ? Majority.Text(outputs[0].Value) : JsonSerializer.Serialize(outputs.ToDictionary(o => o.Key, o => o.Value), AIJsonUtilities.DefaultOptions);
            return new ExecutedStep(number, step, arguments, StepStatus.Completed, result, null, prediction);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ExecutedStep(number, step, arguments, StepStatus.Failed, $"Execution error in {step.Target}: {ex.GetType().Name}: {ex.Message}", null, null);
        }
    }

    private static IReadOnlyDictionary<string, object?> Substitute(IReadOnlyDictionary<string, object?> arguments, List<ExecutedStep> done) =>
        arguments.ToDictionary(a => a.Key, a => a.Value is string text
            ? StepReference().Replace(text, m => int.TryParse(m.Groups[1].ValueSpan, out var n) && n >= 1 && n <= done.Count ? done[n - 1].Result : m.Value)
            : a.Value);

    private static string Describe(List<ExecutedStep> steps)
    {
        if (steps.Count == 0)
        {
            return "No steps were planned.";
        }

        var sb = new StringBuilder();
        foreach (var s in steps)
        {
            sb.Append("Step ").Append(s.Number).Append(": ").Append(s.Step.Target).Append(' ')
              .Append(JsonSerializer.Serialize(s.Arguments, AIJsonUtilities.DefaultOptions)).Append(" (").Append(s.Step.Purpose).Append(")\n")
              .Append(s.Status).Append(": ").Append(s.Result).Append("\n\n");
        }

        return sb.ToString().TrimEnd();
    }

    private static List<PlanStep> ReadPlan(object? value)
    {
        var steps = new List<PlanStep>();
        if (value is not IEnumerable items)
        {
            return steps;
        }

        foreach (var item in items)
        {
            if (item is IReadOnlyDictionary<string, object?> step)
            {
                var arguments = ReAct.Arguments(step.GetValueOrDefault("arguments"));
                steps.Add(new PlanStep(step.GetValueOrDefault("target") as string ?? "", arguments, step.GetValueOrDefault("purpose") as string ?? ""));
            }
        }

        return steps;
    }

    private static Signature PlanSignature(Signature signature, List<string> names)
    {
        var inputs = string.Join(", ", signature.InputFields.Select(f => $"`{f.Name}`"));
        var outputs = string.Join(", ", signature.OutputFields.Select(f => $"`{f.Name}`"));
        var instructions = (string.IsNullOrEmpty(signature.Instructions) ? "" : signature.Instructions + "\n\n")
            + $"You are a planner. Given the fields {inputs}, break the work of producing {outputs} into steps. "
            + "Each step names a `target`, one of the tools or modules listed in `tools`, the `arguments` to call it with, "
            + "and its `purpose`. An argument value may contain {step_N} to use the result of step N (counting from 1). "
            + "Plan only the steps needed; the outputs are written afterwards from the steps' results.";
        var stepShape = TypeShape.Object("PlanStep",
        [
            new PropertyShape("target", TypeShape.Literal(names)),
            new PropertyShape("arguments", TypeShape.Dictionary(TypeShape.String)),
            new PropertyShape("purpose", TypeShape.String),
        ]);
        var fields = signature.InputFields
            .Append(new Field("tools", FieldRole.Input) { Description = "The tools and modules a step can use" })
            .Append(new Field("plan", FieldRole.Output, TypeShape.List(stepShape)) { Description = "The steps, in order" });
        return new Signature(signature.Name, fields, instructions);
    }

    /// <summary>The tools and modules as the planner reads them, one numbered line each.</summary>
    private static string Catalogue(IEnumerable<AIFunction> tools, IEnumerable<RegisteredModule> modules)
    {
        var catalogue = new StringBuilder();
        var index = 1;
        foreach (var tool in tools)
        {
            var args = ReAct.Properties(tool.JsonSchema);
            catalogue.Append('(').Append(index++).Append(") tool ").Append(tool.Name).Append(": ").Append(tool.Description).Append(" Arguments: ").Append(args).Append('\n');
        }

        foreach (var module in modules)
        {
            var args = "{" + string.Join(", ", module.Inputs().Select(f => $"\"{f.Name}\": {f.Shape.DisplayName}")) + "}";
            catalogue.Append('(').Append(index++).Append(") module ").Append(module.Name).Append(": ").Append(module.Description).Append(" Arguments: ").Append(args).Append('\n');
        }

        return catalogue.ToString().TrimEnd();
    }

    [GeneratedRegex(@"\{step_(\d+)\}")]
    private static partial Regex StepReference();
}
