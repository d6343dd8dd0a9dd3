using Declarative.Pipeline;
using Declarative.Tools;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// Settings of the guard middleware added by <c>UseGuards</c>: input guards (normalization, spotlighting, injection
/// detection, length limits), output guards (secret and PII detection), tool permissions (<see cref="Tools"/>),
/// consumption limits (per-key rate limits, an optional shared <see cref="Pipeline.Budget"/>) and the
/// <see cref="AdditionalGuards"/> extension point (the SQL guard plugs in there). Validated once
/// when the pipeline is built; do not change it afterwards.
/// </summary>
public sealed class GuardOptions
{
    /// <summary>
    /// The <see cref="ChatOptions.AdditionalProperties"/> key naming, per call, more untrusted input fields (a string or a
    /// string collection): <see cref="OptionKeys.UntrustedFields"/>, which modules fill from the signature's
    /// <c>[Input(Untrusted = true)]</c> inputs.
    /// </summary>
    public const string UntrustedFieldsKey = OptionKeys.UntrustedFields;

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key holding the user or API key a call is made for (rate limits, log).</summary>
    public const string UserKey = "declarative.guard.user";

    /// <summary>
    /// Input fields whose values come from untrusted sources (documents, web pages, tool results, user uploads): they
    /// are normalized (<see cref="TextNormalizer"/>) and spotlighted. <c>*</c> marks every input field. Default none.
    /// Per call, add names under <see cref="UntrustedFieldsKey"/> (a string or a collection of strings; a value of another
    /// type is an <see cref="InvalidOperationException"/>, not ignored); inputs declared <c>[Input(Untrusted = true)]</c> (or
    /// <see cref="Field.Untrusted"/>) are named there by the module that makes the call, with no entry here.
    /// </summary>
    public ISet<string> UntrustedFields { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How untrusted text is marked; default <see cref="SpotlightMode.Delimit"/>.</summary>
    public SpotlightMode Spotlight { get; set; } = SpotlightMode.Delimit;

    /// <summary>Draws the per-request marker ids; default <see langword="null"/>: a cryptographic source. Seed one for reproducible prompts (tests, caches).</summary>
    public Random? MarkerRandom { get; set; }

    /// <summary>What to do when an input's injection score reaches <see cref="InjectionThreshold"/>: Allow, Flag or Block (default).</summary>
    public GuardAction InjectionAction { get; set; } = GuardAction.Block;

    /// <summary>
    /// The injection score (0–1) from which <see cref="InjectionAction"/> applies; default 0.5. For a trusted input the
    /// classifier's part of the score is on the trusted scale (<see cref="InjectionReport.ForTrustedText"/>), where the
    /// classifier's <see cref="InjectionClassifier.TrustedThreshold"/> reads 0.5: a threshold of 0.7 with a trusted-input
    /// threshold of 0.96 flags a user's request from classifier probability 0.982.
    /// </summary>
    public double InjectionThreshold { get; set; } = 0.5;

    /// <summary>Whether trusted input fields are scanned for injection too (default <see langword="true"/>); untrusted ones always are.</summary>
    public bool ScanTrustedInputs { get; set; } = true;

    /// <summary>The detector; default rules only. Give one with an <see cref="InjectionClassifier"/> to add the classifier.</summary>
    public InjectionDetector Detector { get; set; } = new();

    /// <summary>The most tokens any one input field may hold; default no limit. Exceeding it blocks the call.</summary>
    public int? MaxFieldTokens { get; set; }

    /// <summary>Per-field token limits, overriding <see cref="MaxFieldTokens"/>.</summary>
    public IDictionary<string, int> FieldTokenLimits { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>The most tokens a whole request (all messages, tool results included) may hold; default no limit.</summary>
    public int? MaxInputTokens { get; set; }

    /// <summary>Counts tokens for the limits; default characters divided by four, rounded up (as the runtime's budgets estimate).</summary>
    public Func<string, int> TokenCounter { get; set; } = static text => (text.Length + 3) / 4;

    /// <summary>
    /// What to do with secrets and personal data found in completions: Allow, Flag, Redact (default) or Block. Both the
    /// answer text (<c>TextContent</c>) and a reasoning model's visible reasoning (<c>TextReasoningContent</c>, whose
    /// findings are named <c>(reasoning)</c>) are scanned; a redacted reasoning content keeps its <c>ProtectedData</c>,
    /// which is opaque (often encrypted) provider data and is not scanned. With Redact, a message (and its response)
    /// in which something was redacted loses its <c>RawRepresentation</c>, the provider's object, which still holds the
    /// text as it came; with Redact or Block, so does every streamed update that carries text or reasoning, since the
    /// text it holds may be held back or found to be part of a secret only later.
    /// </summary>
    public GuardAction OutputAction { get; set; } = GuardAction.Redact;

    /// <summary>Whether secrets and personal data in requests are redacted before they are sent (default <see langword="false"/>).</summary>
    public bool RedactInputs { get; set; }

    /// <summary>Whether to look for secrets (default <see langword="true"/>).</summary>
    public bool DetectSecrets { get; set; } = true;

    /// <summary>Whether to look for personal data (default <see langword="true"/>).</summary>
    public bool DetectPii { get; set; } = true;

    /// <summary>Finding kinds to ignore (e.g. <c>pii.ipv4</c> for a network tool); default none.</summary>
    public ISet<string> IgnoredKinds { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// How many characters of a streamed completion are held back before they are released, so that a secret split
    /// across updates is redacted whole; default 256. A private key block is held until it ends, and text is never cut
    /// inside a word (the end of an update does not end one), so 0 still keeps a key split across updates whole. A value
    /// with spaces inside (a card or phone number in groups, an IBAN, a key after its name) is kept whole only when it is
    /// shorter than the hold-back: the default covers every format <see cref="SensitiveDataScanner"/> knows. Streamed
    /// reasoning is held back the same way, apart from the answer text (a secret is never assembled across the two); what
    /// one of them holds is released before the other's next text, so that both keep the order they streamed in.
    /// </summary>
    public int StreamHoldBack { get; set; } = 256;

    /// <summary>The most requests per minute for one key (see <see cref="KeySelector"/>); default no limit. Exceeding it blocks the call.</summary>
    public int? RequestsPerMinutePerKey { get; set; }

    /// <summary>The most estimated prompt tokens per minute for one key; default no limit. Exceeding it blocks the call.</summary>
    public int? TokensPerMinutePerKey { get; set; }

    /// <summary>Picks the key a call is counted under; default the value under <see cref="UserKey"/>, or <c>anonymous</c>.</summary>
    public Func<ChatOptions?, string> KeySelector { get; set; } = static options =>
        options?.AdditionalProperties?.TryGetValue(UserKey, out var value) == true && value?.ToString() is { Length: > 0 } key ? key : "anonymous";

    /// <summary>
    /// A budget (calls, tokens, money, wall time) shared with other pipelines; default none. <c>UseGuards</c> adds it
    /// inside the guards, so blocked calls spend nothing.
    /// </summary>
    public Budget? Budget { get; set; }

    /// <summary>
    /// The tool policy enforced on every tool of a request's <see cref="ChatOptions.Tools"/>: allow-list, arguments checked
    /// against the tool's JSON schema, approval of side-effecting tools, tool calls per run. Default <see langword="null"/>:
    /// tools are not checked. Enforced whichever side of <c>UseGuards</c> the <see cref="FunctionInvokingChatClient"/> is:
    /// inside the guards the request's tools are wrapped (<see cref="ToolPolicy.Wrap"/>); outside, or when the application
    /// invokes the tools itself, each tool call of a completion is checked before it leaves the guard and a refused one is
    /// marked <see cref="FunctionCallContent.InformationalOnly"/> and answered with the refusal. A run is the tool loop
    /// answering one user turn (the calls since the last user message). Agents (<c>ReAct</c>, the planner) do not pass
    /// their tools in the request: give them the same policy in their own options.
    /// </summary>
    public ToolPolicy? Tools { get; set; }

    /// <summary>
    /// What to do when <see cref="Tools"/> refuses a tool call (findings <c>tool.not_allowed</c>, <c>tool.unknown</c>,
    /// <c>tool.invalid_arguments</c>, <c>tool.denied</c>, <c>tool.budget</c>). The call never runs; the model is told why.
    /// Allow: nothing more. Flag (default): the refusal is recorded and the run goes on. Block: recorded, the tool loop
    /// stops and the call fails with a <see cref="GuardException"/> (stage <c>tool</c>).
    /// </summary>
    public GuardAction ToolAction { get; set; } = GuardAction.Flag;

    /// <summary>
    /// How many times in one request the guard asks the model again when it refused every tool call of a completion
    /// that no invoker inside the guard answered (a <see cref="FunctionInvokingChatClient"/> outside the guard does not
    /// call the model again when it has nothing to invoke); the model then sees the refusals and answers or calls
    /// another tool. Default 3; 0 returns such a completion at once, its refused calls answered. When the rounds are
    /// used up, the last completion is returned the same way.
    /// </summary>
    public int ToolRefusalRounds { get; set; } = 3;

    /// <summary>Where decisions are recorded besides the trace and metrics; default none.</summary>
    public GuardLog? Log { get; set; }

    /// <summary>
    /// More checks run after the built-in ones on every request and completion: the SQL permission check
    /// (<see cref="SqlOutputGuard"/>) and checks of your own plug in here. Any finding they return blocks the call.
    /// </summary>
    public IList<IRequestGuard> AdditionalGuards { get; } = [];

    /// <summary>The clock for rate limits and log timestamps; default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks the settings; called once when the pipeline is built.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    internal void Validate()
    {
        Require(InjectionAction != GuardAction.Redact, nameof(InjectionAction), "cannot be Redact (injections are not redacted): use Flag or Block");
        Require(InjectionThreshold is >= 0 and <= 1, nameof(InjectionThreshold), "must be between 0 and 1");
        Require(Detector is not null, nameof(Detector), "cannot be null");
        Require(MaxFieldTokens is null or > 0, nameof(MaxFieldTokens), "must be positive");
        Require(FieldTokenLimits.Values.All(v => v > 0), nameof(FieldTokenLimits), "must hold positive limits");
        Require(MaxInputTokens is null or > 0, nameof(MaxInputTokens), "must be positive");
        Require(TokenCounter is not null, nameof(TokenCounter), "cannot be null");
        Require(StreamHoldBack >= 0, nameof(StreamHoldBack), "cannot be negative");
        Require(RequestsPerMinutePerKey is null or > 0, nameof(RequestsPerMinutePerKey), "must be positive");
        Require(TokensPerMinutePerKey is null or > 0, nameof(TokensPerMinutePerKey), "must be positive");
        Require(KeySelector is not null, nameof(KeySelector), "cannot be null");
        Require(TimeProvider is not null, nameof(TimeProvider), "cannot be null");
        Require(AdditionalGuards.All(g => g is not null), nameof(AdditionalGuards), "cannot hold null");
        Require(ToolAction != GuardAction.Redact, nameof(ToolAction), "cannot be Redact (tool calls are refused, not redacted): use Flag or Block");
        Require(ToolRefusalRounds >= 0, nameof(ToolRefusalRounds), "cannot be negative");
        Tools?.Validate();
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"GuardOptions.{name} {rule}; fix it before calling UseGuards.", name);
        }
    }
}
