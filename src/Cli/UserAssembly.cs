using System.Reflection;
using System.Runtime.Loader;
using Declarative.Optimizers;

namespace Declarative.Cli;

/// <summary>
/// Loads a program from a user's built assembly (<c>--assembly PATH.dll --program TYPE</c>) in its own
/// <see cref="AssemblyLoadContext"/>. Assemblies the tool itself ships (Declarative.*, Microsoft.Extensions.AI, …) are
/// shared with the tool so that the program's <see cref="Module"/> is the tool's; the rest resolve from the user's
/// folder (its <c>.deps.json</c>).
/// </summary>
/// <remarks>
/// The convention: TYPE (full or simple name) is a public, non-abstract <see cref="Module"/> with a public
/// parameterless constructor and a <c>public static Task&lt;Prediction&gt; RunAsync(TYPE program, Example example,
/// RunContext context, CancellationToken cancellationToken)</c>. A metric named by <c>--metric NAME</c> is a public
/// static method NAME of TYPE (or of another public type of the assembly) taking <c>(Example, Prediction)</c> and
/// returning <c>bool</c>, <c>double</c> or <c>MetricResult</c>, or taking <c>(Example, Prediction, CancellationToken)</c>
/// and returning <c>Task&lt;MetricResult&gt;</c>.
/// </remarks>
internal static class UserAssembly
{
    public static ProgramSource Load(string path, string typeName)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new CliException($"--assembly '{path}' does not exist; build the project and give the path of its .dll.");
        }

        Assembly assembly;
        try
        {
            assembly = new UserLoadContext(full).LoadFromAssemblyPath(full);
        }
        catch (BadImageFormatException ex)
        {
            throw new CliException($"--assembly '{path}' is not a .NET assembly ({ex.Message}).");
        }

        var types = assembly.GetExportedTypes();
        var candidates = types.Where(t => t.FullName == typeName).ToList();
        if (candidates.Count == 0)
        {
            candidates = types.Where(t => t.Name == typeName).ToList();
        }

        if (candidates.Count != 1)
        {
            var programs = types.Where(t => typeof(Module).IsAssignableFrom(t) && !t.IsAbstract).Select(t => t.FullName);
            throw new CliException(candidates.Count == 0
                ? $"--program '{typeName}' is not a public type of {Path.GetFileName(full)}; its Module types are: {string.Join(", ", programs)}."
                : $"--program '{typeName}' names several types; give the full name ({string.Join(", ", candidates.Select(t => t.FullName))}).");
        }

        var type = candidates[0];
        if (!typeof(Module).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new CliException($"--program '{type.FullName}' must be a non-abstract Module with a public parameterless constructor.");
        }

        var run = type.GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static, [type, typeof(Example), typeof(RunContext), typeof(CancellationToken)]);
        if (run is null || run.ReturnType != typeof(Task<Prediction>))
        {
            throw new CliException(
                $"--program '{type.FullName}' has no 'public static Task<Prediction> RunAsync({type.Name} program, Example example, RunContext context, CancellationToken cancellationToken)'; add one that runs the program on an example.");
        }

        var student = (Module)Activator.CreateInstance(type)!;
        var predictors = student.NamedPredictors();
        if (predictors.Count == 0)
        {
            throw new CliException($"--program '{type.FullName}' has no predictors to optimize; give it Predict fields or properties.");
        }

        var description = type.FullName + "\n" + string.Join("\n", predictors.Select(p => $"{p.Name}: {p.Predictor.Signature}"));
        return new ProgramSource(
            student,
            (m, e, c, ct) => Invoke(run, m, e, c, ct),
            description,
            predictors[0].Predictor.Signature.InputFields.Select(f => f.Name).ToList(),
            predictors[^1].Predictor.Signature.OutputFields[^1].Name,
            name => FindMetric(type, types, name));
    }

    private static Task<Prediction> Invoke(MethodInfo run, Module program, Example example, RunContext context, CancellationToken cancellationToken)
    {
        try
        {
            return (Task<Prediction>)run.Invoke(null, [program, example, context, cancellationToken])!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }

    private static Metric? FindMetric(Type program, Type[] types, string name)
    {
        foreach (var owner in types.Where(t => t != program).Prepend(program))
        {
            foreach (var method in owner.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == name))
            {
                var p = method.GetParameters().Select(x => x.ParameterType).ToArray();
                if (p.Length == 2 && p[0] == typeof(Example) && p[1] == typeof(Prediction))
                {
                    if (method.ReturnType == typeof(bool))
                    {
                        return Metrics.FromDelegate(method.CreateDelegate<Func<Example, Prediction, bool>>());
                    }

                    if (method.ReturnType == typeof(double))
                    {
                        return Metrics.FromDelegate(method.CreateDelegate<Func<Example, Prediction, double>>());
                    }

                    if (method.ReturnType == typeof(MetricResult))
                    {
                        return Metrics.FromDelegate(method.CreateDelegate<Func<Example, Prediction, MetricResult>>());
                    }
                }

                if (p.Length == 3 && p[0] == typeof(Example) && p[1] == typeof(Prediction) && p[2] == typeof(CancellationToken) && method.ReturnType == typeof(Task<MetricResult>))
                {
                    return Metrics.FromDelegate(method.CreateDelegate<Func<Example, Prediction, CancellationToken, Task<MetricResult>>>());
                }
            }
        }

        return null;
    }

    /// <summary>Resolves the user's own dependencies from its folder; defers to the tool for what the tool ships.</summary>
    private sealed class UserLoadContext(string path) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(path), isCollectible: false)
    {
        private readonly AssemblyDependencyResolver resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (File.Exists(Path.Combine(AppContext.BaseDirectory, assemblyName.Name + ".dll")))
            {
                return null; // the tool's copy, shared
            }

            var resolved = resolver.ResolveAssemblyToPath(assemblyName);
            return resolved is null ? null : LoadFromAssemblyPath(resolved);
        }
    }
}
