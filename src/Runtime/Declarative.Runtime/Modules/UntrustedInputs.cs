using Microsoft.Extensions.AI;

namespace Declarative;

/// <summary>
/// Names a signature's untrusted inputs (<see cref="Field.Untrusted"/>) in a request's options under
/// <see cref="OptionKeys.UntrustedFields"/>, where the guard middleware reads them.
/// </summary>
internal static class UntrustedInputs
{
    /// <summary>
    /// Adds the signature's untrusted input names after the names already under the key (a string or a collection of
    /// strings, kept in order); adds nothing, not even the key, when the signature declares none.
    /// </summary>
    /// <param name="signature">The signature of the call.</param>
    /// <param name="options">The request's options.</param>
    /// <exception cref="InvalidOperationException">The key already holds something other than names.</exception>
    public static void AddTo(Signature signature, ChatOptions options)
    {
        List<string>? declared = null;
        foreach (var field in signature.InputFields)
        {
            if (field.Untrusted)
            {
                (declared ??= []).Add(field.Name);
            }
        }

        if (declared is null)
        {
            return;
        }

        var properties = options.AdditionalProperties ??= [];
        var names = new List<string>();
        if (properties.TryGetValue(OptionKeys.UntrustedFields, out var existing))
        {
            switch (existing)
            {
                case null:
                    break;
                case string one:
                    names.Add(one);
                    break;
                case IEnumerable<string> many:
                    names.AddRange(many);
                    break;
                default:
                    throw new InvalidOperationException(
                        $"ChatOptions.AdditionalProperties[\"{OptionKeys.UntrustedFields}\"] holds a {existing.GetType().Name}, so signature "
                        + $"'{signature.Name}' cannot add its untrusted inputs ({string.Join(", ", declared)}) to it; put a string or a "
                        + "collection of strings (input field names) under that key.");
            }
        }

        foreach (var name in declared)
        {
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        properties[OptionKeys.UntrustedFields] = names.ToArray();
    }
}
