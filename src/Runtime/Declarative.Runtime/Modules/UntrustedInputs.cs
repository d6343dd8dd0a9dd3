using Microsoft.Extensions.AI;

namespace Declarative;

/// <summary>
/// Names a call's untrusted inputs in its request options under <see cref="OptionKeys.UntrustedFields"/>, where the
/// guard middleware reads them: the signature's <see cref="Field.Untrusted"/> inputs and the call's
/// <see cref="CallSettings.UntrustedFields"/>, after any names already there.
/// </summary>
internal static class UntrustedInputs
{
    /// <summary>
    /// Adds the names after those already under the key (a string or a collection of strings, kept in order, no name
    /// twice); adds nothing, not even the key, when there are none to add.
    /// </summary>
    /// <param name="signature">The signature of the call.</param>
    /// <param name="requested">The call's extra untrusted names, or <see langword="null"/>.</param>
    /// <param name="options">The request's options.</param>
    /// <exception cref="InvalidOperationException">The key already holds something other than names.</exception>
    public static void AddTo(Signature signature, IReadOnlyList<string>? requested, ChatOptions options)
    {
        List<string>? added = null;
        foreach (var field in signature.InputFields)
        {
            if (field.Untrusted)
            {
                (added ??= []).Add(field.Name);
            }
        }

        if (requested is { Count: > 0 })
        {
            (added ??= []).AddRange(requested);
        }

        if (added is null)
        {
            return;
        }

        var properties = options.AdditionalProperties ??= [];
        var names = new List<string>();
        if (properties.TryGetValue(OptionKeys.UntrustedFields, out var existing))
        {
            ReadNames(existing, names, $"so the untrusted inputs of signature '{signature.Name}' ({string.Join(", ", added)}) cannot be added to it");
        }

        foreach (var name in added)
        {
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        properties[OptionKeys.UntrustedFields] = names.ToArray();
    }

    /// <summary>
    /// Reads the names under <see cref="OptionKeys.UntrustedFields"/> (nothing, a string, or a collection of strings)
    /// into <paramref name="names"/>, in order; the one reader of that key for the runtime and the guard.
    /// </summary>
    /// <param name="value">The value under the key.</param>
    /// <param name="names">Receives the names.</param>
    /// <param name="consequence">What a value of another type prevents, for the error ("so the guard cannot tell…").</param>
    /// <exception cref="InvalidOperationException">The value is of another type: ignoring it would leave fields unguarded.</exception>
    internal static void ReadNames(object? value, ICollection<string> names, string consequence)
    {
        switch (value)
        {
            case null:
                return;
            case string one:
                names.Add(one);
                return;
            case IEnumerable<string> many:
                foreach (var name in many)
                {
                    names.Add(name);
                }

                return;
            default:
                throw new InvalidOperationException(
                    $"ChatOptions.AdditionalProperties[\"{OptionKeys.UntrustedFields}\"] holds a {value.GetType().Name}, {consequence}; put a "
                    + "string or a collection of strings (input field names) under that key.");
        }
    }
}
