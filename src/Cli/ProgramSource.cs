using System.CommandLine;
using Declarative.Optimizers;

namespace Declarative.Cli;

/// <summary>
/// The program a command works on: one predictor from <c>--signature</c> (with <c>--module predict|cot</c>), or a
/// program type from a built assembly (<c>--assembly PATH.dll --program TYPE</c>, see <see cref="UserAssembly"/>).
/// </summary>
/// <param name="Student">A fresh instance of the program.</param>
/// <param name="Run">Runs the program on one example.</param>
/// <param name="Description">What identifies the program (type and signatures), for run fingerprints.</param>
/// <param name="InputKeys">The default input keys of dataset lines.</param>
/// <param name="DefaultField">The output scored by a built-in metric when <c>--field</c> is not given.</param>
/// <param name="UserMetric">Finds a metric defined by the program's assembly by name, or returns null.</param>
internal sealed record ProgramSource(
    Module Student,
    Func<Module, Example, RunContext, CancellationToken, Task<Prediction>> Run,
    string Description,
    IReadOnlyList<string> InputKeys,
    string DefaultField,
    Func<string, Metric?> UserMetric)
{
    /// <summary>The options that name a program.</summary>
    internal sealed record Options(
        Option<string> Signature,
        Option<string?> Instructions,
        Option<string> Module,
        Option<string?> Assembly,
        Option<string?> Program);

    /// <summary>Creates the program options (none required: a command checks that one way is given).</summary>
    public static Options CreateOptions()
    {
        var signature = CommonOptions.Signature();
        signature.Required = false;
        return new Options(
            signature,
            CommonOptions.Instructions(),
            new Option<string>("--module") { Description = "predict or cot (chain of thought), for --signature.", DefaultValueFactory = _ => "predict" },
            new Option<string?>("--assembly") { Description = "A built assembly (PATH.dll) holding the program type; see --program." },
            new Option<string?>("--program") { Description = "The program type in --assembly: a Module with a public parameterless constructor and a static RunAsync(TProgram, Example, RunContext, CancellationToken)." });
    }

    /// <summary>Reads the program the options name.</summary>
    public static ProgramSource Read(ParseResult result, Options options)
    {
        var assembly = result.GetValue(options.Assembly);
        var program = result.GetValue(options.Program);
        var signature = result.GetValue(options.Signature);
        if (assembly is not null || program is not null)
        {
            if (assembly is null || program is null)
            {
                throw new CliException("--assembly and --program go together: give the built PATH.dll and the program's type name.");
            }

            if (signature is not null)
            {
                throw new CliException("give either --signature or --assembly/--program, not both.");
            }

            return UserAssembly.Load(assembly, program);
        }

        if (signature is null)
        {
            throw new CliException("no program: give --signature \"question -> answer\" for one predictor, or --assembly PATH.dll --program TYPE.");
        }

        var sig = CommonOptions.ReadSignature(signature, result.GetValue(options.Instructions));
        var inputs = sig.InputFields.Select(f => f.Name).ToList();
        var first = sig.OutputFields[0].Name;
        return result.GetValue(options.Module)!.ToLowerInvariant() switch
        {
            "predict" => new ProgramSource(new Predict(sig), (m, e, c, ct) => ((Predict)m).InvokeAsync(e.Inputs(), c, null, ct), "predict\n" + sig, inputs, first, _ => null),
            "cot" or "chain-of-thought" => new ProgramSource(new ChainOfThought(sig), (m, e, c, ct) => ((ChainOfThought)m).InvokeAsync(e.Inputs(), c, null, ct), "cot\n" + sig, inputs, first, _ => null),
            var other => throw new CliException($"--module '{other}' is not known; use predict or cot."),
        };
    }

    /// <summary>The metric named by <c>--metric</c>: built in, or defined by the program's assembly.</summary>
    public Metric ReadMetric(string name, string? field)
    {
        var scored = field ?? DefaultField;
        return name.ToLowerInvariant() switch
        {
            "exact_match" or "em" => Metrics.NormalizedExactMatch(scored),
            "strict_match" => Metrics.ExactMatch(scored),
            "f1" => Metrics.TokenF1(scored),
            _ => UserMetric(name) ?? throw new CliException(
                $"--metric '{name}' is not known; use exact_match, strict_match, f1, or the name of a public static metric method of the --assembly (see README)."),
        };
    }

    /// <summary>Loads a JSONL dataset with the program's input keys (or <c>--input-keys</c>).</summary>
    public IReadOnlyList<Example> LoadDataset(string option, string path, string? keys)
    {
        var inputs = keys is null ? InputKeys.ToArray() : keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            return Dataset.LoadJsonl(path, inputs);
        }
        catch (DatasetException ex)
        {
            throw new CliException($"{option} " + ex.Message.ReplaceLineEndings(" "));
        }
        catch (Exception ex) when (ex is ArgumentException or IOException)
        {
            throw new CliException($"{option} {path}: " + ex.Message.ReplaceLineEndings(" "));
        }
    }
}
