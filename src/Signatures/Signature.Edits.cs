namespace Declarative;

public sealed partial class Signature
{
    /// <summary>A copy with other instructions.</summary>
    /// <param name="instructions">The new task description.</param>
    /// <returns>The new signature.</returns>
    public Signature WithInstructions(string instructions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instructions);
        return new Signature(Name, Fields, instructions);
    }

    /// <summary>A copy with the field added after the others of its role (DSPy's <c>append</c>).</summary>
    /// <param name="field">The field to add.</param>
    /// <returns>The new signature.</returns>
    public Signature Append(Field field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var inputs = InputFields.ToList();
        var outputs = OutputFields.ToList();
        (field.IsInput ? inputs : outputs).Add(field);
        return new Signature(Name, [.. inputs, .. outputs], Instructions);
    }

    /// <summary>A copy with the field added before the others of its role (DSPy's <c>prepend</c>).</summary>
    /// <param name="field">The field to add.</param>
    /// <returns>The new signature.</returns>
    public Signature Prepend(Field field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var inputs = InputFields.ToList();
        var outputs = OutputFields.ToList();
        (field.IsInput ? inputs : outputs).Insert(0, field);
        return new Signature(Name, [.. inputs, .. outputs], Instructions);
    }

    /// <summary>A copy without the named field (DSPy's <c>delete</c>).</summary>
    /// <param name="name">The field to remove.</param>
    /// <returns>The new signature.</returns>
    /// <exception cref="KeyNotFoundException">No such field.</exception>
    /// <exception cref="SignatureException">Removing it would leave a side empty.</exception>
    public Signature Delete(string name)
    {
        _ = this[name];
        return new Signature(Name, Fields.Where(f => f.Name != name), Instructions);
    }

    /// <summary>A copy with one field replaced by an edited version of itself.</summary>
    /// <param name="name">The field to edit.</param>
    /// <param name="edit">Returns the new field (same role).</param>
    /// <returns>The new signature.</returns>
    public Signature WithField(string name, Func<Field, Field> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var old = this[name];
        var replacement = edit(old);
        if (replacement.Role != old.Role)
        {
            throw new SignatureException($"Editing field '{name}' may not move it from the {old.Role} side; delete it and append a new field instead.");
        }

        return new Signature(Name, Fields.Select(f => f.Name == name ? replacement : f), Instructions);
    }

    /// <summary>A copy with another name.</summary>
    /// <param name="name">The new name.</param>
    /// <returns>The new signature.</returns>
    public Signature WithName(string name) => new(name, Fields, Instructions);
}
