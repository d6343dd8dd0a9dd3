namespace Declarative.Retrieval;

/// <summary>A judge LM's reply did not line up with what it was asked to judge (for example fewer verdicts than claims).</summary>
public sealed class JudgeReplyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What did not line up; the fix is usually a stronger judge model or a retry with another seed.</param>
    public JudgeReplyException(string message)
        : base(message)
    {
    }
}
