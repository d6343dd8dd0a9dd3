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

    /// <summary>
    /// Reads the program the options name and checks the command's <c>--field</c> and <c>--input-keys</c>, when given,
    /// against its signature (see <see cref="CheckNames"/>), so that a misspelt name fails before any file is read or
    /// model called.
    /// </summary>
    /// <param name="result">The parsed command line.</param>
    /// <param name="options">The options that name the program.</param>
    /// <param name="field">The command's <c>--field</c> option, if it has one.</param>
    /// <param name="inputKeys">The command's <c>--input-keys</c> option, if it has one.</param>
    /// <exception cref="CliException">No program, or a name that is not a field of its signature.</exception>
    public static ProgramSource Read(ParseResult result, Options options, Option<string?>? field = null, Option<string?>? inputKeys = null)
    {
        var source = Resolve(result, options);
        source.CheckNames(field is null ? null : result.GetValue(field), inputKeys is null ? null : result.GetValue(inputKeys));
        return source;
    }

    /// <summary>
    /// For a program of one predictor (<c>--signature</c>), checks that <paramref name="field"/> is an output of its
    /// signature and each of <paramref name="inputKeys"/> (comma-separated) an input. A program of an assembly reads
    /// what it likes from an example and returns what it likes, so its names are not checked.
    /// </summary>
    /// <exception cref="CliException">A name is not a field of the right kind; the message lists the fields.</exception>
    public void CheckNames(string? field, string? inputKeys)
    {
        if (Student is not (Predict or ChainOfThought))
        {
            return;
        }

        var signature = Student.NamedPredictors()[0].Predictor.Signature;
        if (field is not null && (!signature.TryGetField(field, out var output) || output.IsInput))
        {
            throw new CliException($"--field '{field}' is not an output of the signature; its outputs are {string.Join(", ", signature.OutputFields.Select(f => f.Name))}.");
        }

        foreach (var key in inputKeys?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
        {
            if (!signature.TryGetField(key, out var input) || !input.IsInput)
            {
                throw new CliException($"--input-keys: '{key}' is not an input of the signature; its inputs are {string.Join(", ", signature.InputFields.Select(f => f.Name))}.");
            }
        }
    }

    private static ProgramSource Resolve(ParseResult result, Options options)
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

    /// <summary>
    /// Loads a JSONL dataset with the program's input keys (or <c>--input-keys</c>); with <paramref name="label"/>, every
    /// example must carry that label (the field the metric scores), or the command stops before any model is called.
    /// </summary>
    public IReadOnlyList<Example> LoadDataset(string option, string path, string? keys, string? label = null)
    {
        var inputs = keys is null ? InputKeys.ToArray() : keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            var examples = Dataset.LoadJsonl(path, inputs);
            if (label is not null && examples.Select((e, i) => (e, i)).FirstOrDefault(p => !p.e.ContainsKey(label)) is ({ } missing, var index))
            {
                throw new CliException($"{option} {path}: example {index + 1} has no label '{label}' to score against.");
            }

            return examples;
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
