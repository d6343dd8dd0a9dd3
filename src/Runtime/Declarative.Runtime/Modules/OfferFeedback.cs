using System.Text;
using System.Text.Json;
using Declarative.Tracing;

namespace Declarative;

/// <summary>DSPy's <c>OfferFeedback</c> signature and the texts <see cref="Refine{TModule}"/> fills it with.</summary>
internal static class OfferFeedback
{
    public static Signature Signature { get; } = new(
        "OfferFeedback",
        [
            Input("program_code", "The code of the program that we are analyzing"),
            Input("modules_defn", "The definition of each module in the program, including its I/O"),
            Input("program_inputs", "The inputs to the program that we are analyzing"),
            Input("program_trajectory", "The trajectory of the program's execution, showing each module's I/O"),
            Input("program_outputs", "The outputs of the program that we are analyzing"),
            Input("reward_code", "The code of the reward function that we are analyzing"),
            new Field("target_threshold", FieldRole.Input, TypeShape.Number) { Description = "The target threshold for the reward function" },
            new Field("reward_value", FieldRole.Input, TypeShape.Number) { Description = "The reward value assigned to the program's outputs" },
            new Field("module_names", FieldRole.Input, TypeShape.List(TypeShape.String)) { Description = "The names of the modules in the program, for which we seek advice" },
            new Field("discussion", FieldRole.Output) { Description = "Discussing blame of where each module went wrong, if it did" },
            new Field("advice", FieldRole.Output, TypeShape.Dictionary(TypeShape.String))
            {
                Description = "For each module, describe very concretely, in this order: the specific scenarios in which it has made "
                    + "mistakes in the past and what each mistake was, followed by what it should do differently in that kind of"
                    + "scenario in the future. If the module is not to blame, write N/A.",
            },
        ],
        "In the discussion, assign blame to each module that contributed to the final reward being below the threshold, if\n"
        + "any. Then, prescribe concrete advice of how the module should act on its future input when we retry the process, if\n"
        + "it were to receive the same or similar inputs. If a module is not to blame, the advice should be N/A.\n"
        + "The module will not see its own history, so it needs to rely on entirely concrete and actionable advice from you\n"
        + "to avoid the same mistake on the same or similar inputs.");

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static Field Input(string name, string description) => new(name, FieldRole.Input) { Description = description };

    /// <summary>The inputs of the feedback call after an attempt scored <paramref name="reward"/>.</summary>
    public static Dictionary<string, object?> Inputs(Module program, IReadOnlyDictionary<string, object?> inputs, IReadOnlyList<TraceEntry> trace, Prediction outputs, string rewardCode, double threshold, double reward)
    {
        var predictors = program.NamedPredictors();
        var byPredictorName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, predict) in predictors)
        {
            byPredictorName.TryAdd(predict.Name ?? predict.Signature.Name, name);
        }

        var trajectory = trace.Select(e => new Dictionary<string, object?>
        {
            ["module_name"] = byPredictorName.GetValueOrDefault(e.Predictor, e.Predictor),
            ["inputs"] = e.Inputs.Where(i => i.Key != Predict.HintField).ToDictionary(i => i.Key, i => Plain(i.Value)),
            ["outputs"] = e.Outputs.ToDictionary(o => o.Key, o => Plain(o.Value)),
        }).ToList();
        return new Dictionary<string, object?>
        {
            ["program_code"] = $"{program.GetType().Name} (a {program.GetType().FullName}; its source is not available at run time)",
            ["modules_defn"] = Describe(predictors),
            ["program_inputs"] = Json(inputs.ToDictionary(i => i.Key, i => Plain(i.Value))),
            ["program_trajectory"] = Json(trajectory),
            ["program_outputs"] = Json(outputs.Values.ToDictionary(o => o.Key, o => Plain(o.Value))),
            ["reward_code"] = rewardCode,
            ["target_threshold"] = threshold,
            ["reward_value"] = reward,
            ["module_names"] = predictors.Select(p => p.Name).ToList(),
        };
    }

    /// <summary>DSPy's <c>inspect_modules</c>: each predictor's fields and instructions between separators.</summary>
    private static string Describe(IReadOnlyList<(string Name, Predict Predictor)> predictors)
    {
        var separator = new string('-', 80);
        var sb = new StringBuilder(separator);
        foreach (var (name, predict) in predictors)
        {
            var signature = predict.Signature;
            sb.Append("\nModule ").Append(name).Append("\n\n\tInput Fields:");
            AppendFields(sb, signature.InputFields);
            sb.Append("\n\tOutput Fields:");
            AppendFields(sb, signature.OutputFields);
            sb.Append("\n\tOriginal Instructions: ");
            foreach (var line in signature.Instructions.Split('\n'))
            {
                sb.Append("\n\t\t").Append(line);
            }

            sb.Append('\n').Append(separator);
        }

        return sb.ToString();
    }

    private static void AppendFields(StringBuilder sb, IReadOnlyList<Field> fields)
    {
        var index = 1;
        foreach (var field in fields)
        {
            sb.Append("\n\t\t").Append(index++).Append(". `").Append(field.Name).Append("` (").Append(field.Shape.DisplayName).Append(')');
            if (!string.IsNullOrEmpty(field.Description))
            {
                sb.Append(": ").Append(field.Description);
            }
        }
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, Indented);

    /// <summary>A value JSON can hold, or a placeholder naming the type (DSPy's <c>recursive_mask</c>).</summary>
    private static object? Plain(object? value)
    {
        if (value is null or string or bool or long or int or double or float or decimal)
        {
            return value;
        }

        try
        {
            return JsonSerializer.SerializeToElement(value);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            return $"<non-serializable: {value.GetType().Name}>";
        }
    }
}
