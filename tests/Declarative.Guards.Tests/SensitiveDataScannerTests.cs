using Declarative.Guards;

namespace Declarative.Guards.Tests;

public class SensitiveDataScannerTests
{
    // Realistic fake keys: the right shapes and alphabets, never real credentials.
    [Theory]
    [InlineData("secret.openai", "sk-proj-Xq3vB9mK2pL7wR4tY8uZ1aS5dF6gH0jKx2cV4bN7mQ9wE3rT5yU8iO1pA6sD0fG2hJ4kL7zX9cV1bN3mQ5wE8rT0yU2iO4pA6sD8fG")]
    [InlineData("secret.openai", "sk-4f9Kx2LmQ8vN3pR7tW1yZ5bC6dE0gH2jK4lM")]
    [InlineData("secret.anthropic", "sk-ant-api03-Zq8XwV2bN5mK9jH3gF7dS1aP4oI6uY0tR2eW8qL5kJ3hG9fD1sA7zX4cV6bN0mQ2wE5rT8yU1iO3pA6sD9fG2hJ4kL7zX0cV3bN6mQ-AbCdEfAA")]
    [InlineData("secret.aws_access_key_id", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("secret.aws_access_key_id", "ASIAY34FZKBOKMUTVV7A")]
    [InlineData("secret.github", "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R")]
    [InlineData("secret.github", "gho_16C7e42F292c6912E7710c838347Ae178B4a")]
    [InlineData("secret.github", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX012345")]
    [InlineData("secret.slack", "xoxb-2718281828-3141592653-AbCdEfGhIjKlMnOpQrStUvWx")]
    [InlineData("secret.slack", "xoxp-1234567890-0987654321-1122334455-a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6")]
    [InlineData("secret.stripe", "sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv")]
    [InlineData("secret.stripe", "rk_test_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("secret.google_api_key", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY")]
    [InlineData("secret.jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")]
    public void Finds_each_key_format_exactly(string kind, string key)
    {
        var text = $"Config: use {key} for the call.";
        var finding = Assert.Single(SensitiveDataScanner.Scan(text));
        Assert.Equal(kind, finding.Kind);
        Assert.Equal(text.IndexOf(key, StringComparison.Ordinal), finding.Start);
        Assert.Equal(key.Length, finding.Length);
    }

    [Fact]
    public void Finds_the_aws_secret_next_to_its_name_only()
    {
        const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        var text = $"aws_secret_access_key = {Secret}\n";
        var finding = Assert.Single(SensitiveDataScanner.Scan(text, pii: false));
        Assert.Equal("secret.aws_secret_key", finding.Kind);
        Assert.Equal(text.IndexOf(Secret, StringComparison.Ordinal), finding.Start);
        Assert.Equal(40, finding.Length);
    }

    [Fact]
    public void Finds_a_whole_private_key_block()
    {
        var pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1x2y3z4\nabcdefghijklmnop==\n-----END RSA PRIVATE KEY-----";
        var text = "key:\n" + pem + "\ndone";
        var finding = Assert.Single(SensitiveDataScanner.Scan(text));
        Assert.Equal("secret.private_key", finding.Kind);
        Assert.Equal(5, finding.Start);
        Assert.Equal(pem.Length, finding.Length);
    }

    [Theory]
    [InlineData("Server=db.local;Database=app;User Id=sa;Password=Hunter2!x;", "Hunter2!x")]
    [InlineData("postgres://app:s3cr3tP4ss@db.example.com:5432/app", "s3cr3tP4ss")]
    public void Finds_passwords_in_connection_strings_and_urls(string text, string password)
    {
        var finding = Assert.Single(SensitiveDataScanner.Scan(text, pii: false));
        Assert.Equal("secret.connection_string", finding.Kind);
        Assert.Equal(password, text.Substring(finding.Start, finding.Length));
    }

    [Fact]
    public void Finds_generic_high_entropy_tokens_but_not_hashes_or_words()
    {
        var token = "q8Zr4Lk2Vn7Xw1Bt9Pm3Hs6Jd0Fg5Ya2Ce";
        Assert.Equal("secret.generic", Assert.Single(SensitiveDataScanner.Scan($"token {token} here", pii: false)).Kind);
        Assert.Empty(SensitiveDataScanner.Scan("commit 89781ce0b29794aa9cd0f3c4e2b1a0d9e8f7c6b5 fixed it", pii: false));
        Assert.Empty(SensitiveDataScanner.Scan("internationalization_and_localization_configuration_settings", pii: false));
    }

    [Theory]
    [InlineData("pii.email", "jane.doe+news@example.co.uk")]
    [InlineData("pii.phone", "+1 415-555-0132")]
    [InlineData("pii.phone", "(415) 555-0132")]
    [InlineData("pii.phone", "+44 20 7946 0958")]
    [InlineData("pii.credit_card", "4111 1111 1111 1111")]
    [InlineData("pii.credit_card", "5500-0000-0000-0004")]
    [InlineData("pii.credit_card", "378282246310005")]
    [InlineData("pii.iban", "DE89 3704 0044 0532 0130 00")]
    [InlineData("pii.iban", "GB82WEST12345698765432")]
    [InlineData("pii.ssn", "123-45-6789")]
    [InlineData("pii.ipv4", "192.168.10.254")]
    [InlineData("pii.ipv6", "2001:db8:85a3::8a2e:370:7334")]
    public void Finds_personal_data(string kind, string value)
    {
        var text = $"Contact: {value}, thanks.";
        var finding = Assert.Single(SensitiveDataScanner.Scan(text, secrets: false));
        Assert.Equal(kind, finding.Kind);
        Assert.Equal(value, text.Substring(finding.Start, finding.Length));
    }

    [Theory]
    [InlineData("4111 1111 1111 1112")]
    [InlineData("5500-0000-0000-0005")]
    [InlineData("DE89 3704 0044 0532 0130 01")]
    [InlineData("GB82WEST12345698765433")]
    public void Numbers_failing_their_checksum_are_not_reported(string value)
    {
        var text = $"Reference {value} only.";
        Assert.DoesNotContain(SensitiveDataScanner.Scan(text, secrets: false), f => f.Kind is "pii.credit_card" or "pii.iban");
    }

    [Fact]
    public void Random_digit_runs_mostly_fail_luhn()
    {
        var random = new Random(7);
        var flagged = 0;
        for (var i = 0; i < 200; i++)
        {
            var digits = "4" + string.Concat(Enumerable.Range(0, 15).Select(_ => random.Next(10)));
            if (!Checksums.Luhn(digits))
            {
                Assert.DoesNotContain(SensitiveDataScanner.Scan($"id {digits} end", secrets: false), f => f.Kind == "pii.credit_card");
            }
            else
            {
                flagged++;
            }
        }

        Assert.InRange(flagged, 5, 40); // about one in ten passes the Luhn check by chance
    }

    [Theory]
    [InlineData("The meeting is at 12:30:45 on 2026-11-29 in room 4.")]
    [InlineData("Version 1.2.3 shipped; see section 3.4.5.6.7.")]
    [InlineData("We sold 1,250 units for $3,400 in Q3.")]
    [InlineData("Use the sk-learn style API; ask-me-anything.")]
    public void Benign_text_has_no_findings(string text) => Assert.Empty(SensitiveDataScanner.Scan(text));

    [Fact]
    public void Redaction_replaces_each_finding_by_its_kind()
    {
        var (text, findings) = Redactor.Redact("Mail jane@example.com with key AKIAIOSFODNN7EXAMPLE.");
        Assert.Equal("Mail [REDACTED:pii.email] with key [REDACTED:secret.aws_access_key_id].", text);
        Assert.Equal(2, findings.Count);
    }
}
