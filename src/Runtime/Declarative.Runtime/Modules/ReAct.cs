using System.Collections;
using System.Text.Json;
using Declarative.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Declarative;

/// <summary>
/// A tool-using agent (DSPy's <c>dspy.ReAct</c>): in each step the <c>react</c> predictor writes
/// <c>next_thought</c>, picks <c>next_tool_name</c> (constrained to the tool names and <c>finish</c>) and
/// <c>next_tool_args</c>; the tool runs under the <see cref="ToolPolicy"/> and its result (or error, or refusal) is
/// appended to the trajectory as the observation. After <c>finish</c> or <see cref="ReActOptions.MaxIterations"/>
/// steps, the <c>extract</c> chain of thought reads the trajectory and writes the signature's outputs.
/// </summary>
/// <remarks>
/// Predictors are named <c>react</c> and <c>extract.predict</c>, as in DSPy, so saved programs move between the two.
/// When a call overflows the context window (see <see cref="ReActOptions.IsContextOverflow"/>), the oldest step is
/// dropped and the call retried. A run never changes the module.
/// </remarks>
public sealed class ReAct : Module, IInvokableModule
{
    /// <summary>The name of the tool that ends the loop.</summary>
    public const string FinishTool = "finish";

    private readonly IReadOnlyDictionary<string, AIFunction> tools;
    private readonly ReActOptions options;
    private readonly Predict react;
    private readonly ChainOfThought extract;

    /// <summary>Creates the agent.</summary>
    /// <param name="signature">What the agent is given and must produce.</param>
    /// <param name="tools">The tools (for example from <see cref="AIFunctionFactory.Create(Delegate, string?, string?, System.Text.Json.JsonSerializerOptions?)"/>).</param>
    /// <param name="options">Options (default: 20 steps, <see cref="ToolPolicy.Default"/>).</param>
    /// <exception cref="ArgumentException">Two tools share a name, or one is named <c>finish</c>.</exception>
    public ReAct(Signature signature, IEnumerable<AIFunction> tools, ReActOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(tools);
        this.options = options ?? new ReActOptions();
        this.options.Validate();
        var byName = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            if (tool.Name == FinishTool || !byName.TryAdd(tool.Name, tool))
            {
                throw new ArgumentException($"Tool names must be unique and not '{FinishTool}' (ReAct adds it); rename '{tool.Name}'.", nameof(tools));
            }
        }

        this.tools = byName;
        Signature = signature;
        var trajectory = new Field("trajectory", FieldRole.Input) { Untrusted = this.options.UntrustedTrajectory };
        react = new Predict(ReactSignature(signature, byName.Values, trajectory));
        extract = new ChainOfThought(signature.Append(trajectory).WithInstructions(signature.Instructions));
    }

    /// <summary>Creates the agent for a string signature such as <c>"question -> answer"</c>.</summary>
    /// <param name="signature">The signature text.</param>
    /// <param name="tools">The tools.</param>
    /// <param name="options">Options.</param>
    public ReAct(string signature, IEnumerable<AIFunction> tools, ReActOptions? options = null)
        : this(Signature.Parse(signature), tools, options)
    {
    }

    /// <summary>The signature the agent answers.</summary>
    public Signature Signature { get; }

    /// <summary>The predictor that picks each step.</summary>
    public Predict React => react;

    /// <summary>The chain of thought that writes the final outputs from the trajectory.</summary>
    public ChainOfThought Extract => extract;

    /// <summary>The tools by name (without <c>finish</c>).</summary>
    public IReadOnlyDictionary<string, AIFunction> Tools => tools;

    /// <summary>Runs the agent once.</summary>
    /// <param name="inputs">A value for each input field of the signature.</param>
    /// <param name="context">The run context; tool decisions go to its trace when it is an <see cref="IToolTraceSink"/>.</param>
    /// <param name="settings">Settings for every LM call of the run.</param>
    /// <param name="cancellationToken">Cancels the run (and the tool in progress).</param>
    /// <returns>A <see cref="ReActPrediction"/> with the outputs, the trajectory and the tool decisions.</returns>
    /// <exception cref="ToolBudgetExceededException">The tool budget ran out under <see cref="ToolBudgetBehavior.Throw"/>.</exception>
    /// <exception cref="ContextWindowExceededException">The context overflowed and the trajectory could not be shortened enough.</exception>
    public async Task<Prediction> InvokeAsync(IReadOnlyDictionary<string, object?> inputs, RunContext context, CallSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        var run = new ToolRun(tools, options.Policy, nameof(ReAct), context);
        var trajectory = new List<KeyValuePair<string, string>>();
        var truncated = 0;
        for (var step = 0; step < options.MaxIterations; step++)
        {
            Prediction next;
            try
            {
                (next, truncated) = await CallWithTruncationAsync(react, inputs, trajectory, truncated, context, settings, cancellationToken).ConfigureAwait(false);
            }
            catch (AdapterParseException ex)
            {
                // As DSPy: a step the model could not express (e.g. a tool name outside the list) ends the loop.
                context.Logger.LogWarning(ex, "ReAct: ending the trajectory after step {Step}: the agent did not produce a valid step.", step);
                break;
            }

            var name = next.Values.GetValueOrDefault("next_tool_name") as string ?? FinishTool;
            var arguments = Arguments(next.Values.GetValueOrDefault("next_tool_args"));
            trajectory.Add(new($"thought_{step}", next.Values.GetValueOrDefault("next_thought") as string ?? ""));
            trajectory.Add(new($"tool_name_{step}", name));
            trajectory.Add(new($"tool_args_{step}", JsonSerializer.Serialize(arguments, AIJsonUtilities.DefaultOptions)));
            if (name == FinishTool)
            {
                trajectory.Add(new($"observation_{step}", "Completed."));
                break;
            }

            var decision = await run.CallAsync(name, arguments, cancellationToken).ConfigureAwait(false);
            trajectory.Add(new($"observation_{step}", decision.Observation));
            if (run.BudgetSpent)
            {
                break;
            }
        }

        (var extracted, truncated) = await CallWithTruncationAsync(extract.Predictor, inputs, trajectory, truncated, context, settings, cancellationToken).ConfigureAwait(false);
        var values = new Dictionary<string, object?>(extracted.Values) { ["trajectory"] = trajectory.ToDictionary(p => p.Key, p => (object?)p.Value) };
        return new ReActPrediction(extracted, values, trajectory.ToArray(), run.Decisions.ToArray(), truncated);
    }

    private async Task<(Prediction, int)> CallWithTruncationAsync(Predict predictor, IReadOnlyDictionary<string, object?> inputs, List<KeyValuePair<string, string>> trajectory, int truncated, RunContext context, CallSettings? settings, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var withTrajectory = new Dictionary<string, object?>(inputs) { ["trajectory"] = FormatTrajectory(trajectory, context.Adapter) };
            var structured = (settings ?? new CallSettings()) with
            {
                StructuredFields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["trajectory"] = trajectory.Select(p => p.Key).ToArray() },
            };
            try
            {
                return (await predictor.InvokeAsync(withTrajectory, context, structured, cancellationToken).ConfigureAwait(false), truncated);
            }
            catch (Exception ex) when (options.IsContextOverflow(ex) && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= options.MaxTruncations)
                {
                    throw new ContextWindowExceededException(
                        $"The context window was exceeded even after dropping {attempt} trajectory steps (ReActOptions.MaxTruncations); shorten the inputs or the tool results, or use a model with a larger window.", ex);
                }

                if (trajectory.Count < 4)
                {
                    throw new ContextWindowExceededException(
                        "The prompt exceeded the context window, but the trajectory has no complete step left to drop; shorten the inputs or use a model with a larger window.", ex);
                }

                context.Logger.LogWarning("ReAct: the trajectory exceeded the context window; dropping its oldest step ({Key}).", trajectory[0].Key);
                trajectory.RemoveRange(0, 4);
                truncated++;
            }
        }
    }

    private static string FormatTrajectory(List<KeyValuePair<string, string>> trajectory, Adapter adapter)
    {
        if (trajectory.Count == 0)
        {
            return "";
        }

        var fields = trajectory.Select(p => new Field(p.Key, FieldRole.Input)).Append(new Field("x", FieldRole.Output));
        var signature = new Signature("Trajectory", fields);
        return adapter.FormatUserMessage(signature, trajectory.ToDictionary(p => p.Key, p => (object?)p.Value));
    }

    /// <summary>A parsed dictionary value with string keys (empty when the value is not a dictionary).</summary>
    internal static Dictionary<string, object?> Arguments(object? value)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (value is IDictionary map)
        {
            foreach (DictionaryEntry entry in map)
            {
                result[entry.Key.ToString()!] = entry.Value;
            }
        }

        return result;
    }

    private static Signature ReactSignature(Signature signature, IEnumerable<AIFunction> tools, Field trajectory)
    {
        var inputs = string.Join(", ", signature.InputFields.Select(f => $"`{f.Name}`"));
        var outputs = string.Join(", ", signature.OutputFields.Select(f => $"`{f.Name}`"));
        var lines = new List<string>();
        if (!string.IsNullOrEmpty(signature.Instructions))
        {
            lines.Add(signature.Instructions + "\n");
        }

        lines.Add($"You are an Agent. In each episode, you will be given the fields {inputs} as input. And you can see your past trajectory so far.");
        lines.Add($"Your goal is to use one or more of the supplied tools to collect any necessary information for producing {outputs}.\n");
        lines.Add("To do this, you will interleave next_thought, next_tool_name, and next_tool_args in each turn, and also when finishing the task.");
        lines.Add("After each tool call, you receive a resulting observation, which gets appended to your trajectory.\n");
        lines.Add("When writing next_thought, you may reason about the current situation and plan for future steps.");
        lines.Add("When selecting the next_tool_name and its next_tool_args, the tool must be one of:\n");
        var index = 1;
        var names = new List<string>();
        foreach (var tool in tools)
        {
            lines.Add($"({index++}) {Describe(tool.Name, tool.Description, Properties(tool.JsonSchema))}");
            names.Add(tool.Name);
        }

        lines.Add($"({index}) {Describe(FinishTool, $"Marks the task as complete. That is, signals that all information for producing the outputs, i.e. {outputs}, are now available to be extracted.", "{}")}");
        names.Add(FinishTool);
        lines.Add("When providing `next_tool_args`, the value inside the field must be in JSON format");

        var fields = signature.InputFields
            .Append(trajectory)
            .Append(new Field("next_thought", FieldRole.Output))
            .Append(new Field("next_tool_name", FieldRole.Output, TypeShape.Literal(names)))
            .Append(new Field("next_tool_args", FieldRole.Output, TypeShape.Dictionary(TypeShape.String)));
        return new Signature(signature.Name, fields, string.Join("\n", lines));
    }

    private static string Describe(string name, string? description, string arguments) =>
        (string.IsNullOrEmpty(description) ? name + "." : $"{name}, whose description is <desc>{description.Replace("\n", "  ", StringComparison.Ordinal)}</desc>.")
        + $" It takes arguments {arguments}.";

    internal static string Properties(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var p) ? p.GetRawText() : "{}";
}
