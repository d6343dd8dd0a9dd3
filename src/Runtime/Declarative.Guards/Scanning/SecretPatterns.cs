using System.Text.RegularExpressions;

namespace Declarative.Guards;

/// <summary>The regular expressions of <see cref="SensitiveDataScanner"/>, compiled at build time.</summary>
internal static partial class SecretPatterns
{
    [GeneratedRegex(@"\bsk-ant-(?:api|admin|sid)?[0-9]{0,2}-?[A-Za-z0-9_\-]{32,}")]
    public static partial Regex Anthropic();

    [GeneratedRegex(@"\bsk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,}")]
    public static partial Regex OpenAi();

    [GeneratedRegex(@"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}\b")]
    public static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"(?i)aws.{0,24}?(?:secret|private).{0,16}?[""'`]?\s*[:=]\s*[""'`]?(?<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")]
    public static partial Regex AwsSecretKey();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b")]
    public static partial Regex GitHub();

    [GeneratedRegex(@"\bxox[abposre]-[A-Za-z0-9\-]{10,}")]
    public static partial Regex Slack();

    [GeneratedRegex(@"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b")]
    public static partial Regex Stripe();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])")]
    public static partial Regex GoogleApiKey();

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")]
    public static partial Regex PrivateKey();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}")]
    public static partial Regex Jwt();

    [GeneratedRegex(@"(?i)(?:^|[;\s""'])(?:password|pwd)\s*=\s*(?<v>[^;""'\s]+)")]
    public static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://[^:/\s@]+:(?<v>[^@/\s]+)@[^\s/]+")]
    public static partial Regex UrlPassword();

    [GeneratedRegex(@"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}\b")]
    public static partial Regex Email();

    [GeneratedRegex(@"(?<![\w+])(?:\+[1-9][0-9]{0,2}[ .\-]?(?:\(?[0-9]{1,4}\)?[ .\-]?)?[0-9]{2,4}(?:[ .\-]?[0-9]{2,4}){1,4}|\(?[2-9][0-9]{2}\)?[ .\-][0-9]{3}[ .\-][0-9]{4})(?![\w\-])")]
    public static partial Regex Phone();

    [GeneratedRegex(@"(?<![0-9]|[A-Z]{2}[0-9]{2} ?)[3-6][0-9]{3}(?:[ \-]?[0-9]{2,4}){2,4}[0-9]?(?![0-9])")]
    public static partial Regex CardCandidate();

    [GeneratedRegex(@"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")]
    public static partial Regex IbanCandidate();

    [GeneratedRegex(@"\b(?!000|666|9[0-9]{2})[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}\b")]
    public static partial Regex Ssn();

    [GeneratedRegex(@"(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?![0-9]|\.[0-9])")]
    public static partial Regex IPv4();

    [GeneratedRegex(@"(?<![0-9A-Fa-f:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:[0-9]{1,3}\.){3}[0-9]{1,3})?(?![0-9A-Fa-f:])")]
    public static partial Regex IPv6Candidate();
}
