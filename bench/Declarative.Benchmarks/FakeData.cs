using System.Globalization;
using System.Text;

namespace Declarative.Benchmarks;

/// <summary>Realistic fake secrets and personal data (right shape, alphabet and checksums; never real) for the guards' figures.</summary>
internal static class FakeData
{
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Upper32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string Base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private const string Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static (string Kind, Func<Random, string> Make)[] Formats { get; } =
    [
        ("secret.openai", r => "sk-proj-" + Run(r, Url, 120)),
        ("secret.openai", r => "sk-" + Run(r, Alnum, 48)),
        ("secret.anthropic", r => "sk-ant-api03-" + Run(r, Url, 93) + "AA"),
        ("secret.aws_access_key_id", r => "AKIA" + Run(r, Upper32, 16)),
        ("secret.github", r => "ghp_" + Run(r, Alnum, 36)),
        ("secret.github", r => "github_pat_" + Run(r, Alnum, 22) + "_" + Run(r, Alnum, 59)),
        ("secret.gitlab", r => "glpat-" + Run(r, Url, 20)),
        ("secret.slack", r => "xoxb-" + Digits(r, 12) + "-" + Digits(r, 12) + "-" + Run(r, Alnum, 24)),
        ("secret.stripe", r => "sk_live_" + Run(r, Alnum, 99)),
        ("secret.google_api_key", r => "AIza" + Run(r, Url, 35)),
        ("secret.jwt", r => "eyJhbGciOiJIUzI1NiJ9.eyJ" + Run(r, Url, 40) + "." + Run(r, Url, 43)),
        ("secret.private_key", r => "-----BEGIN PRIVATE KEY-----\n" + Run(r, Base64, 64) + "\n" + Run(r, Base64, 64) + "\n-----END PRIVATE KEY-----"),
        ("secret.generic", r => Run(r, Alnum, 40)),
        ("pii.email", r => Run(r, "abcdefghijklmnopqrstuvwxyz", 6) + "." + Run(r, "abcdefghijklmnopqrstuvwxyz", 5) + "@" + Run(r, "abcdefghijklmnopqrstuvwxyz", 7) + ".com"),
        ("pii.email", r => Run(r, "абвгдежзиклмнопрстуфхцчшэюя", 6) + "@" + Run(r, "абвгдежзиклмнопрстуфхцчшэюя", 7) + ".рф"),
        ("pii.email", r => Run(r, "αβγδεζηθικλμνξοπρστυφχψω", 6) + "@" + Run(r, "αβγδεζηθικλμνξοπρστυφχψω", 7) + ".ελ"),
        ("pii.phone", r => "+1 " + (200 + r.Next(800)).ToString(CultureInfo.InvariantCulture) + "-555-" + Digits(r, 4)),
        ("pii.phone", r => "+44 20 " + Digits(r, 4) + " " + Digits(r, 4)),
        ("pii.phone", r => "020 " + Digits(r, 4) + " " + Digits(r, 4)), // national numbers: the UK
        ("pii.phone", r => "(020) " + Digits(r, 4) + " " + Digits(r, 4)),
        ("pii.phone", r => "07" + Digits(r, 3) + " " + Digits(r, 6)),
        ("pii.phone", r => "030 " + Digits(r, 8)), // Germany
        ("pii.phone", r => "030/" + Digits(r, 7)),
        ("pii.phone", r => "0170 " + Digits(r, 7)),
        ("pii.phone", r => "0151 " + Digits(r, 8)),
        ("pii.phone", r => "089-" + Digits(r, 8)),
        ("pii.phone", r => "06 " + Pairs(r, 4, ' ')), // France
        ("pii.phone", r => "01." + Pairs(r, 4, '.')),
        ("pii.phone", r => "06-" + Digits(r, 8)), // the Netherlands
        ("pii.phone", r => "020 " + Digits(r, 3) + " " + Digits(r, 4)),
        ("pii.phone", r => "06 " + Digits(r, 4) + " " + Digits(r, 4)), // Italy
        ("pii.phone", r => "02 " + Digits(r, 3) + " " + Pairs(r, 2, ' ')), // Belgium
        ("pii.phone", r => "6" + Digits(r, 2) + " " + Pairs(r, 3, ' ')), // Spain
        ("pii.phone", r => "91 " + Digits(r, 3) + " " + Pairs(r, 2, ' ')),
        ("pii.credit_card", Card),
        ("pii.credit_card", r => Card(r, "2" + (2 + r.Next(6)).ToString(CultureInfo.InvariantCulture))),
        ("pii.iban", Iban),
        ("pii.ssn", r => (100 + r.Next(500)).ToString(CultureInfo.InvariantCulture) + "-" + (10 + r.Next(89)).ToString(CultureInfo.InvariantCulture) + "-" + (1000 + r.Next(8999)).ToString(CultureInfo.InvariantCulture)),
        ("pii.ipv4", r => $"{r.Next(1, 224)}.{r.Next(256)}.{r.Next(256)}.{r.Next(1, 255)}"),
        ("pii.ipv6", r => $"2001:db8:{r.Next(65536):x}:{r.Next(65536):x}::{r.Next(1, 65536):x}"),
    ];

    /// <summary>A 16-digit number (Visa-like, or with the given prefix: "22"…"27" for MasterCard's 2-series) with a valid Luhn check digit, grouped by four.</summary>
    public static string Card(Random random) => Card(random, "4");

    /// <inheritdoc cref="Card(Random)"/>
    public static string Card(Random random, string prefix)
    {
        var digits = prefix + Digits(random, 15 - prefix.Length);
        for (var check = 0; check < 10; check++)
        {
            var candidate = digits + check.ToString(CultureInfo.InvariantCulture);
            if (Declarative.Guards.Checksums.Luhn(candidate))
            {
                return string.Join(' ', Enumerable.Range(0, 4).Select(i => candidate.Substring(i * 4, 4)));
            }
        }

        throw new InvalidOperationException("unreachable: one check digit always satisfies Luhn");
    }

    /// <summary>A German IBAN (22 characters) with valid mod-97 check digits.</summary>
    public static string Iban(Random random)
    {
        var bban = Digits(random, 18);
        for (var check = 2; check < 99; check++)
        {
            var candidate = "DE" + check.ToString("00", CultureInfo.InvariantCulture) + bban;
            if (Declarative.Guards.Checksums.Iban(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable: one pair of check digits is valid");
    }

    /// <summary>About <paramref name="bytes"/> bytes of prose with an e-mail address, a phone number and a key in it.</summary>
    public static string Document(int bytes)
    {
        var sb = new StringBuilder();
        var sentences = new[]
        {
            "The quarterly review covered revenue, hiring and the migration of the build servers to the new data centre. ",
            "Customers asked for faster exports, clearer invoices and a dark theme in the dashboard. ",
            "Please contact jane.doe@example.com or call +1 415-555-0132 with questions about the rollout plan. ",
            "The staging deployment uses the key AKIAIOSFODNN7EXAMPLE, which will be rotated next week. ",
            "Engineering will focus on reliability: retries, timeouts and better alerts for the on-call team. ",
        };
        var i = 0;
        while (Encoding.UTF8.GetByteCount(sb.ToString()) < bytes - 120)
        {
            sb.Append(sentences[i++ % sentences.Length]);
        }

        return sb.ToString();
    }

    private static string Run(Random random, string alphabet, int length) =>
        string.Create(length, (random, alphabet), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[state.random.Next(state.alphabet.Length)];
            }
        });

    private static string Digits(Random random, int length) => Run(random, "0123456789", length);

    private static string Pairs(Random random, int count, char separator) =>
        string.Join(separator, Enumerable.Range(0, count).Select(_ => Digits(random, 2)));
}
