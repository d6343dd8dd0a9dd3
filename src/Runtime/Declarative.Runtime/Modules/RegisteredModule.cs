namespace Declarative;

/// <summary>A module a <see cref="PlannerAgent"/> can route steps to.</summary>
public sealed record RegisteredModule
{
    /// <summary>Registers a module.</summary>
    /// <param name="name">The name the planner uses for it (unique among tools and modules).</param>
    /// <param name="description">What it does, shown to the planner.</param>
    /// <param name="module">The module; it must implement <see cref="IInvokableModule"/>.</param>
    /// <exception cref="ArgumentException">The module cannot be invoked with inputs by name.</exception>
    public RegisteredModule(string name, string description, Module module)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(module);
        if (module is not IInvokableModule)
        {
            throw new ArgumentException($"Module '{name}' ({module.GetType().Name}) does not implement IInvokableModule, so the planner cannot call it with inputs by name.", nameof(module));
        }

        Name = name;
        Description = description;
        Module = module;
    }

    /// <summary>The name the planner uses.</summary>
    public string Name { get; init; }

    /// <summary>What it does.</summary>
    public string Description { get; init; }

    /// <summary>The module.</summary>
    public Module Module { get; init; }

    /// <summary>The input fields the module takes, from its first predictor (internal fields such as <c>trajectory</c> left out).</summary>
    internal IEnumerable<Field> Inputs() =>
        Module.NamedPredictors().FirstOrDefault().Predictor?.Signature.InputFields.Where(f => f.Name is not "trajectory" and not Predict.HintField) ?? [];
}
