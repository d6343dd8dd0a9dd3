using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Declarative.Guards;

/// <summary>
/// Finds secrets (API keys and tokens of OpenAI, Anthropic, AWS, GitHub, GitLab, Slack, Stripe and Google, private key PEM
/// blocks, JWTs, passwords in connection strings and URLs, other high-entropy tokens) and personal data (e-mail
/// addresses, phone numbers, card numbers that pass the Luhn check, IBANs that pass the mod-97 check, US social security
/// numbers, IPv4 and IPv6 addresses). Findings do not overlap: where two match, the more specific wins. Invisible and
/// bidirectional control characters (<see cref="TextNormalizer"/>) do not hide a value: the text is scanned without them,
/// and a finding's span covers those inside it. Thread-safe.
/// </summary>
public static class SensitiveDataScanner
{
    /// <summary>Every finding kind this scanner reports.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
    [
        "secret.private_key", "secret.anthropic", "secret.openai", "secret.aws_access_key_id", "secret.aws_secret_key",
        "secret.github", "secret.gitlab", "secret.slack", "secret.stripe", "secret.google_api_key", "secret.jwt", "secret.connection_string", "secret.json_credential",
        "secret.generic", "pii.email", "pii.iban", "pii.credit_card", "pii.ssn", "pii.ipv4", "pii.ipv6", "pii.phone",
    ];

    /// <summary>Scans <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="secrets">Whether to look for secrets.</param>
    /// <param name="pii">Whether to look for personal data.</param>
    /// <returns>The findings, ordered by position, not overlapping.</returns>
    public static IReadOnlyList<GuardFinding> Scan(string text, bool secrets = true, bool pii = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TextNormalizer.HasHiddenCharacters(text))
        {
            // "sk-proj-Ab3d\u200BEf…" is still the key: scan the visible text, then map each span back over the hidden characters.
            var visible = TextNormalizer.RemoveHidden(text, out var map);
            return [.. ScanVisible(visible, secrets, pii).Select(f => f with { Start = map[f.Start], Length = map[f.Start + f.Length - 1] + 1 - map[f.Start] })];
        }

        return ScanVisible(text, secrets, pii);
    }

    private static List<GuardFinding> ScanVisible(string text, bool secrets, bool pii)
    {
        var found = new List<GuardFinding>();
        if (secrets)
        {
            ScanSecrets(text, found);
        }

        if (pii)
        {
            ScanPii(text, found);
        }

        return Resolve(found);
    }

    private static void ScanSecrets(string text, List<GuardFinding> found)
    {
        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.PrivateKey(), text, "secret.private_key", "private key PEM block");
        }

        if (text.Contains("sk-", StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.Anthropic(), text, "secret.anthropic", "Anthropic API key");
            Add(found, SecretPatterns.OpenAi(), text, "secret.openai", "OpenAI API key");
        }

        Add(found, SecretPatterns.AwsAccessKeyId(), text, "secret.aws_access_key_id", "AWS access key id");
        if (text.Contains("aws", StringComparison.OrdinalIgnoreCase))
        {
            Add(found, SecretPatterns.AwsSecretKey(), text, "secret.aws_secret_key", "AWS secret access key", "v");
        }

        if (text.Contains("gh", StringComparison.Ordinal) || text.Contains("github_pat_", StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.GitHub(), text, "secret.github", "GitHub token");
        }

        if (text.Contains("gl", StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.GitLab(), text, "secret.gitlab", "GitLab token");
        }

        if (text.Contains("xox", StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.Slack(), text, "secret.slack", "Slack token");
        }

        if (text.Contains("_live_", StringComparison.Ordinal) || text.Contains("_test_", StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.Stripe(), text, "secret.stripe", "Stripe secret key");
        }

        if (text.Contains("AIza", StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.GoogleApiKey(), text, "secret.google_api_key", "Google API key");
        }

        if (text.Contains("eyJ", StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.Jwt(), text, "secret.jwt", "JSON Web Token");
        }

        if (text.Contains('=', StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.ConnectionStringPassword(), text, "secret.connection_string", "password in a connection string", "v");
        }

        if (text.Contains("\":", StringComparison.Ordinal) || text.Contains("\" :", StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.JsonCredential(), text, "secret.json_credential", "credential under its name in JSON", "v");
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.UrlPassword(), text, "secret.connection_string", "password in a URL", "v");
        }

        // Runs of token characters, found by hand (a regex pass over every word costs more): a run of 32 or more is a
        // candidate, with at most two '=' of base64 padding after it when no token character follows them ("KEY=value"
        // and "?token=value" separate a name from the value).
        for (var i = 0; i < text.Length;)
        {
            if (!IsTokenChar(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && IsTokenChar(text[i]))
            {
                i++;
            }

            var body = text.AsSpan(start, i - start);
            var padding = 0;
            while (padding < 2 && i + padding < text.Length && text[i + padding] == '=')
            {
                padding++;
            }

            if (i + padding < text.Length && IsTokenChar(text[i + padding]))
            {
                padding = 0; // a separator, not padding
            }

            if (body.Length >= 32 && LooksRandom(body))
            {
                found.Add(new GuardFinding("secret.generic", start, body.Length + padding, "high-entropy token"));
            }

            i += padding;
        }
    }

    private static void ScanPii(string text, List<GuardFinding> found)
    {
        // Around each '@' only (a regex pass would try every word of the text).
        for (var at = text.IndexOf('@', StringComparison.Ordinal); at >= 0; at = text.IndexOf('@', at + 1))
        {
            // The local part, back to the first character that cannot be in one; an apostrophe counts only between two
            // characters that can ("o'brien@…"), so "'bob@…" and "it's at bob@…" leave it out.
            var start = at;
            while (start > 0 && (IsLocalPartChar(text[start - 1])
                || (text[start - 1] == '\'' && start < at && start >= 2 && IsLocalPartChar(text[start - 2]))))
            {
                start--;
            }

            var end = at + 1;
            while (end < text.Length && (IsAddressLetter(text[end]) || text[end] is '.' or '-'))
            {
                end++;
            }

            var m = SecretPatterns.Email().Match(text, start, end - start);
            if (m.Success)
            {
                found.Add(new GuardFinding("pii.email", m.Index, m.Length, "e-mail address"));
            }
        }

        if (text.AsSpan().IndexOfAnyInRange('0', '9') < 0)
        {
            return; // every other kind below holds digits
        }

        // An IBAN starts with two letters and two digits, upper or lower case: found from the digits (a case-insensitive
        // regex pass would try every letter of the text), then matched there.
        for (var i = text.AsSpan().IndexOfAnyInRange('0', '9'); i >= 0 && i + 1 < text.Length; i = NextDigit(text, i + 1))
        {
            if (i >= 2 && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiLetter(text[i - 1]) && char.IsAsciiLetter(text[i - 2])
                && (i == 2 || !char.IsAsciiLetterOrDigit(text[i - 3]))
                && SecretPatterns.IbanCandidate().Match(text, i - 2) is { Success: true } match)
            {
                // The last group may have taken a short word after the IBAN ("… 1332 by Friday"): drop it and check again.
                if (ValidPrefix(text.AsSpan(match.Index, match.Length), " ", minCut: 5, Checksums.Iban) is > 0 and var length)
                {
                    found.Add(new GuardFinding("pii.iban", match.Index, length, "IBAN (mod-97 checksum valid)"));
                    i = match.Index + length - 1;
                }
            }
        }

        foreach (var match in SecretPatterns.CardCandidate().EnumerateMatches(text))
        {
            // "4111 1111 1111 1111 123": the candidate takes in the CVV or expiry after the number, so shorter prefixes
            // that end at a separator are tried too.
            if (ValidPrefix(text.AsSpan(match.Index, match.Length), " -", minCut: 1, Checksums.Luhn) is > 0 and var length)
            {
                found.Add(new GuardFinding("pii.credit_card", match.Index, length, "card number (Luhn checksum valid)"));
            }
        }

        if (text.Contains('-', StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.Ssn(), text, "pii.ssn", "US social security number");
        }

        if (text.Contains('.', StringComparison.Ordinal))
        {
            Add(found, SecretPatterns.IPv4(), text, "pii.ipv4", "IPv4 address");
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            foreach (var match in SecretPatterns.IPv6Candidate().EnumerateMatches(text))
            {
                var span = text.AsSpan(match.Index, match.Length);

                // A colon after the address ("2001:db8::1: connection refused") is the sentence's, not the address's: an
                // address never ends in a single colon.
                if (span.Length > 3 && span[^1] == ':' && span[^2] != ':')
                {
                    span = span[..^1];
                }

                if (span.Length >= 3 && span.IndexOfAnyInRange('0', '9') >= 0 && IsIPv6(span))
                {
                    found.Add(new GuardFinding("pii.ipv6", match.Index, span.Length, "IPv6 address"));
                }
            }
        }

        foreach (var match in SecretPatterns.Phone().EnumerateMatches(text))
        {
            var span = text.AsSpan(match.Index, match.Length);
            var (digits, groups, zeroLed) = CountDigits(span);

            // The country-code form takes in digit groups after the number ("+44 20 7946 0958 0900-1700"): over 15 digits,
            // the groups at its end are dropped until it has a phone number's length.
            while (span[0] == '+' && digits > 15 && span.LastIndexOfAny(" .-") is var cut && cut > 0)
            {
                span = span[..cut];
                (digits, groups, zeroLed) = CountDigits(span);
            }

            // Within 15 digits it may still have taken in a short group ("+44 20 7946 0958 12 items"): where the country's
            // numbers have a known length, the groups that make it too long are dropped, when what is left has that length
            // (else it is kept as it is: "+7 8 495 123 45 67", the trunk prefix 8 written in, stays whole).
            if (span[0] == '+' && PhoneDigitRange(span) is ( > 0 and var min, var max) && digits > max)
            {
                var trimmed = span;
                var count = digits;
                while (count > max && trimmed.LastIndexOfAny(" .-") is var cut && cut > 0)
                {
                    trimmed = trimmed[..cut];
                    count = CountDigits(trimmed).Digits;
                }

                if (count >= min && count <= max)
                {
                    span = trimmed;
                    (digits, groups, zeroLed) = CountDigits(span);
                }
            }

            if (IsPhone(text, match.Index, span, digits, groups, zeroLed))
            {
                found.Add(new GuardFinding("pii.phone", match.Index, span.Length, "phone number"));
            }
        }
    }

    /// <summary>
    /// The fewest and most digits a phone number written with a country code (<paramref name="span"/> starts with '+') has:
    /// its country code's and the national number's, for the countries whose national numbers have a known length (a
    /// trunk prefix 0 written after the code, "+44 (0)20 …" or "+44 020 …", counts too, except in Italy, where the 0 is
    /// part of the number); (0, 0) for the others, whose lengths vary widely (Germany, Austria, Sweden, Finland…). Country
    /// codes are prefix-free, so the first digits name at most one.
    /// </summary>
    private static (int Min, int Max) PhoneDigitRange(ReadOnlySpan<char> span)
    {
        int code = 0, codeLength = 0;
        (int Min, int Max) national = (0, 0);
        for (var k = 1; k < span.Length; k++)
        {
            if (!char.IsAsciiDigit(span[k]))
            {
                continue;
            }

            if (national.Max > 0)
            {
                var trunk = span[k] == '0' && code != 39 ? 1 : 0;
                return (codeLength + national.Min + trunk, codeLength + national.Max + trunk);
            }

            if (codeLength == 3)
            {
                break;
            }

            code = (code * 10) + (span[k] - '0');
            codeLength++;
            national = NationalNumberLengths(code);
        }

        return (0, 0);
    }

    /// <summary>
    /// The fewest and most digits of a national number (without a trunk prefix) of the country with calling code
    /// <paramref name="code"/>, freephone numbers included; (0, 0) when unknown or when its lengths vary widely.
    /// </summary>
    private static (int Min, int Max) NationalNumberLengths(int code) => code switch
    {
        1 or 7 or 30 or 52 or 90 or 91 => (10, 10), // North America, Russia and Kazakhstan, Greece, Mexico, Turkey, India
        27 or 33 or 34 or 40 or 41 or 48 or 351 or 420 or 421 => (9, 9), // South Africa, France, Spain, Romania, Switzerland, Poland, Portugal, Czechia, Slovakia
        31 or 44 or 61 or 81 => (9, 10), // the Netherlands, the UK, Australia, Japan
        64 or 972 => (8, 10), // New Zealand, Israel
        353 => (7, 10), // Ireland
        32 or 36 => (8, 9), // Belgium, Hungary
        45 or 47 or 65 or 852 => (8, 8), // Denmark, Norway, Singapore, Hong Kong
        55 => (10, 11), // Brazil
        39 => (6, 11), // Italy
        _ => (0, 0),
    };

    private static bool IsIPv6(ReadOnlySpan<char> span) => IPAddress.TryParse(span, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>The digits of a phone number candidate, its digit groups, and how many of those start with 0.</summary>
    private static (int Digits, int Groups, int ZeroLed) CountDigits(ReadOnlySpan<char> span)
    {
        int digits = 0, groups = 0, zeroLed = 0;
        for (var k = 0; k < span.Length; k++)
        {
            if (char.IsAsciiDigit(span[k]))
            {
                digits++;
                if (k == 0 || !char.IsAsciiDigit(span[k - 1]))
                {
                    groups++;
                    zeroLed += span[k] == '0' ? 1 : 0;
                }
            }
        }

        return (digits, groups, zeroLed);
    }

    /// <summary>
    /// Whether a match of the phone pattern has a phone number's digit count: 7–15 with a country code or in the US
    /// form; 9–12 with the trunk prefix 0, at least 10 in two groups (a US ZIP+4 code, "02110-1301", has 9), and not
    /// five groups that all start with 0 (counters or bytes: "01 02 03 04 05"); and Spain's nine digits in four groups,
    /// or in any other grouping ("912 345 678", also an amount's shape) only after a word that names a phone. A
    /// national number (trunk prefix 0 or Spain's) right after a label that names an identifier on its line ("Invoice
    /// 0815 2024 0001", "Kundennummer 0301 2345 678", "Facture n° 01 23 45 67 89") is no phone number; only number
    /// words ("no.", "ID") and "is" may stand between them, so a phone word nearer to the number ("Invoice questions:
    /// call 020 7946 0000") or a line break keeps it one. A number with a country code always is one: an identifier
    /// never starts with '+'.
    /// </summary>
    private static bool IsPhone(string text, int start, ReadOnlySpan<char> span, int digits, int groups, int zeroLed)
    {
        // The label and phone patterns read the line before the number; they run only for a match that would count.
        var before = text.AsSpan(Math.Max(0, start - 40)..start);
        if (span[0] == '0' || (span[0] == '(' && span[1] == '0'))
        {
            return digits is >= 9 and <= 12 && (groups >= 3 || digits >= 10) && !(groups == 5 && zeroLed == 5)
                && !IsIdentifierLabel(before);
        }

        if (digits == 9 && span[0] is >= '6' and <= '9')
        {
            // Spain's numbers (the US form has ten digits): "612 34 56 78" and "91 234 56 78" in four groups; "912 345 678",
            // an amount's shape, only after a phone word.
            return (groups == 4 || SecretPatterns.PhoneContext().IsMatch(before)) && !IsIdentifierLabel(before);
        }

        return digits is >= 7 and <= 15;
    }

    /// <summary>Whether the end of <paramref name="before"/> labels the number after it as an identifier.</summary>
    private static bool IsIdentifierLabel(ReadOnlySpan<char> before) =>
        SecretPatterns.RecordLabel().IsMatch(before) || SecretPatterns.PartyLabel().IsMatch(before);

    /// <summary>
    /// An ASCII letter or digit, or a letter or combining mark of a script that separates words with spaces
    /// ("josé@münchen.de", "иван@почта.рф"); not Chinese, Japanese, Thai, Lao, Khmer or Myanmar, whose text runs into
    /// the address with no space. The regex's own class decides, so the scanner and the pattern cannot disagree.
    /// </summary>
    private static bool IsAddressLetter(char c) => char.IsAsciiLetterOrDigit(c) || (c > '\u007F' && SecretPatterns.AddressLetter().IsMatch(new ReadOnlySpan<char>(in c)));

    /// <summary>A character an e-mail address's local part may hold anywhere in it (the apostrophe only between two of these).</summary>
    private static bool IsLocalPartChar(char c) => IsAddressLetter(c) || c is '.' or '_' or '%' or '+' or '-';

    private delegate bool Checksum(ReadOnlySpan<char> value);

    /// <summary>
    /// The length of the longest prefix of <paramref name="candidate"/> that passes <paramref name="check"/>: the whole,
    /// else shorter ones cut at a separator (at <paramref name="minCut"/> or later); 0 when none passes.
    /// </summary>
    private static int ValidPrefix(ReadOnlySpan<char> candidate, string separators, int minCut, Checksum check)
    {
        while (!check(candidate) && candidate.LastIndexOfAny(separators) is var cut && cut >= minCut)
        {
            candidate = candidate[..cut].TrimEnd(separators);
        }

        return check(candidate) ? candidate.Length : 0;
    }

    private static int NextDigit(string text, int from)
    {
        var next = text.AsSpan(from).IndexOfAnyInRange('0', '9');
        return next < 0 ? -1 : from + next;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '+' or '/';

    /// <summary>A token counts as a secret when it mixes letters and digits and its entropy is high.</summary>
    private static bool LooksRandom(ReadOnlySpan<char> token)
    {
        bool upper = false, lower = false, digit = false;
        foreach (var c in token)
        {
            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            digit |= char.IsAsciiDigit(c);
        }

        var classes = (upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0);
        return classes >= 2 && digit && Checksums.Entropy(token) >= 4.2;
    }

    private static void Add(List<GuardFinding> found, Regex regex, string text, string kind, string reason, string? group = null)
    {
        if (group is null)
        {
            foreach (var match in regex.EnumerateMatches(text))
            {
                found.Add(new GuardFinding(kind, match.Index, match.Length, reason));
            }

            return;
        }

        for (var match = regex.Match(text); match.Success; match = match.NextMatch())
        {
            var g = match.Groups[group];
            found.Add(new GuardFinding(kind, g.Index, g.Length, reason));
        }
    }

    /// <summary>Orders findings and drops those overlapping an earlier-listed (more specific) one.</summary>
    private static List<GuardFinding> Resolve(List<GuardFinding> found)
    {
        if (found.Count <= 1)
        {
            return found;
        }

        var rank = new Dictionary<GuardFinding, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < found.Count; i++)
        {
            rank[found[i]] = i;
        }

        var kept = new List<GuardFinding>(found.Count);
        foreach (var candidate in found.OrderBy(f => rank[f]))
        {
            if (!kept.Exists(k => candidate.Start < k.Start + k.Length && k.Start < candidate.Start + candidate.Length))
            {
                kept.Add(candidate);
            }
        }

        kept.Sort((a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }
}
