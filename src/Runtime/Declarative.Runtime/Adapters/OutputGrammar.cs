using Declarative.Grammars;

namespace Declarative;

/// <summary>
/// The grammar of a reply, as an adapter expects it, carried with the request under <see cref="OptionKeys.Grammar"/>
/// so that a backend that can enforce it (a local model decoding under token masks, a server that takes GBNF) does.
/// The grammar is compiled on first use and then shared; a signature whose types cannot be compiled reports that
/// through <see cref="TryGetGrammar"/> instead of failing the call.
/// </summary>
public sealed class OutputGrammar
{
    private readonly Lazy<(Grammar? Grammar, string? Error)> compiled;

    internal OutputGrammar(Signature signature, string format, Func<Signature, Grammar> compile)
    {
        Signature = signature;
        Format = format;
        compiled = new Lazy<(Grammar?, string?)>(() =>
        {
            try
            {
                return (compile(signature), null);
            }
            catch (Exception ex) when (ex is JsonSchemaCompileException or GrammarException)
            {
                return (null, ex.Message);
            }
        });
    }

    /// <summary>The signature whose reply this is.</summary>
    public Signature Signature { get; }

    /// <summary>The reply format: <c>chat</c> (<c>[[ ## field ## ]]</c> sections) or <c>json</c>.</summary>
    public string Format { get; }

    /// <summary>The grammar, compiled on first use.</summary>
    /// <param name="grammar">The grammar, when it could be compiled.</param>
    /// <param name="error">Why it could not, otherwise.</param>
    /// <returns>Whether a grammar is available.</returns>
    public bool TryGetGrammar(out Grammar? grammar, out string? error)
    {
        (grammar, error) = compiled.Value;
        return grammar is not null;
    }
}
