namespace Declarative;

/// <summary>
/// A completion could not be parsed into the signature's outputs. Carries the adapter's name, the raw completion
/// and whatever fields were parsed, so that nothing the model said is lost.
/// </summary>
public sealed class AdapterParseException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="adapterName">The adapter that failed (<c>ChatAdapter</c>, <c>JsonAdapter</c>, <c>XmlAdapter</c>).</param>
    /// <param name="signature">The signature whose outputs were expected.</param>
    /// <param name="rawCompletion">The model's text, unchanged.</param>
    /// <param name="message">What went wrong and what was expected.</param>
    /// <param name="parsedFields">The fields that did parse.</param>
    /// <param name="innerException">The cause, if any.</param>
    public AdapterParseException(string adapterName, Signature signature, string rawCompletion, string message,
        IReadOnlyDictionary<string, object?>? parsedFields = null, Exception? innerException = null)
        : base($"{adapterName} could not parse the completion: {message}", innerException)
    {
        AdapterName = adapterName;
        Signature = signature;
        RawCompletion = rawCompletion;
        ParsedFields = parsedFields ?? new Dictionary<string, object?>();
    }

    /// <summary>The adapter that failed.</summary>
    public string AdapterName { get; }

    /// <summary>The signature whose outputs were expected.</summary>
    public Signature Signature { get; }

    /// <summary>The model's text, unchanged.</summary>
    public string RawCompletion { get; }

    /// <summary>The output fields that did parse before the failure.</summary>
    public IReadOnlyDictionary<string, object?> ParsedFields { get; }
}
