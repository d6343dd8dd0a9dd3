using Declarative.Guards;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Guards.Tests;

/// <summary>Checks a data-only finding kind end to end: in the trusted question it passes, inside the untrusted document it blocks.</summary>
internal static class DataOnlyPipeline
{
    /// <summary>
    /// Runs <c>document, question -> answer</c> (document untrusted) through <c>UseGuards</c> twice: with
    /// <paramref name="trustedQuestion"/> as the question, which must pass unlogged; then with <paramref name="attackedDocument"/>,
    /// which must be blocked before the model is called, with a <paramref name="kind"/> finding on the document.
    /// </summary>
    public static async Task AssertTrustedPassesAndDataIsBlockedAsync(string document, string trustedQuestion, string attackedDocument, string question, string kind)
    {
        var lm = new ScriptedChatClient().Answer(("answer", "ok"));
        var options = new GuardOptions { ScanTrustedInputs = true, Log = new GuardLog() };
        var context = new RunContext(new ChatClientBuilder(lm).UseGuards(options).Build());
        var predict = new Predict(Signature.Parse("document, question -> answer").WithField("document", f => f with { Untrusted = true }));

        var result = await predict.InvokeAsync(new Dictionary<string, object?> { ["document"] = document, ["question"] = trustedQuestion }, context);
        Assert.Equal("ok", result["answer"]);
        Assert.Empty(options.Log.Events);

        var ex = await Assert.ThrowsAsync<GuardException>(() => predict.InvokeAsync(
            new Dictionary<string, object?> { ["document"] = attackedDocument, ["question"] = question }, context));
        Assert.Equal(1, lm.CallCount);
        Assert.Contains(ex.Findings, f => f.Kind == kind && f.Field == "document");
    }
}
