using Declarative.Guards;

namespace Declarative.Guards.Tests;

public class SensitiveDataScannerTests
{
    /// <summary>Scans <paramref name="text"/> and asserts one finding, of <paramref name="kind"/>, whose span is exactly <paramref name="value"/>.</summary>
    private static void AssertOnly(string text, string kind, string value)
    {
        var finding = Assert.Single(SensitiveDataScanner.Scan(text));
        Assert.Equal(kind, finding.Kind);
        Assert.Equal(value, text.Substring(finding.Start, finding.Length));
    }

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
    [InlineData("secret.gitlab", "glpat-Zb3K9xLm2Qv8Rt5Wy1Nc")]
    [InlineData("secret.gitlab", "gldt-Hq7Lw2Zx9Pk4Rm8Tn3Vb")]
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
    [InlineData("redis://:Zq9mK2pLx7@redis.example.com:6379/0", "Zq9mK2pLx7")]
    [InlineData("Server=db;User Id=sa;Password='Zq9;mK2#pL';", "Zq9;mK2#pL")]
    [InlineData("Host=db;Password=\"Zq9 mK2#pL\";", "Zq9 mK2#pL")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0a2V5Zm9yYXp1cmVzdG9yYWdlYWNjb3VudDEyMw==;EndpointSuffix=core.windows.net", "c2VjcmV0a2V5Zm9yYXp1cmVzdG9yYWdlYWNjb3VudDEyMw==")]
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

    // National numbers with the trunk prefix 0 (UK, Germany, France, the Netherlands, Italy, Belgium) and Spain's nine
    // digits, which have no trunk prefix.
    [Theory]
    [InlineData("Ring the office on 020 7946 0958 today.", "020 7946 0958")]
    [InlineData("My mobile is 07700 900123, thanks.", "07700 900123")]
    [InlineData("Switchboard (020) 7946 0958 or e-mail.", "(020) 7946 0958")]
    [InlineData("Erreichbar unter 030 12345678 ab Montag.", "030 12345678")]
    [InlineData("Tel. 030/1234567 (Zentrale)", "030/1234567")]
    [InlineData("Handy: 0170 1234567.", "0170 1234567")]
    [InlineData("Handy: 0151 23456789.", "0151 23456789")]
    [InlineData("Büro 089-12345678, Fax folgt.", "089-12345678")]
    [InlineData("Telefon 030/123 456 78 bitte", "030/123 456 78")]
    [InlineData("Appelez le 06 12 34 56 78 demain.", "06 12 34 56 78")]
    [InlineData("Standard : 01.23.45.67.89.", "01.23.45.67.89")]
    [InlineData("Bel 06-12345678 of mail.", "06-12345678")]
    [InlineData("Kantoor 020 123 4567, dank je.", "020 123 4567")]
    [InlineData("Chiamare lo 06 1234 5678 entro venerdì.", "06 1234 5678")]
    [InlineData("Bellen naar 02 123 45 67 in Brussel.", "02 123 45 67")]
    [InlineData("Llámenos al 91 234 56 78 hoy.", "91 234 56 78")]
    [InlineData("Su número es 612 34 56 78.", "612 34 56 78")]
    [InlineData("Teléfono: 912 345 678.", "912 345 678")]
    [InlineData("Móvil 612 345 678, gracias.", "612 345 678")]
    public void Finds_national_phone_numbers(string text, string number) => AssertOnly(text, "pii.phone", number);

    // A number with a country code followed by another group of digits (opening hours, a year): the pattern takes the
    // group in, and before the fix the whole went over 15 digits and no phone number was found at all.
    [Theory]
    [InlineData("Call +44 20 7946 0958 0900-1700 on weekdays.", "+44 20 7946 0958")]
    [InlineData("Hotline +49 30 1234 5678 2025 prices apply.", "+49 30 1234 5678")]
    public void A_number_with_a_country_code_is_found_when_digit_groups_follow_it(string text, string number) =>
        AssertOnly(text, "pii.phone", number);

    // A number with a country code followed by a short group of digits (a count, a year) that keeps the whole within 15
    // digits: before the fix the span took the group in ("+44 20 7946 0958 12"). Where the country's numbers have a known
    // length, a group that makes the number too long is left out; a trunk prefix 0 written after the country code does not
    // count, and a number of the right length (French pairs, Italy's leading 0) is kept whole, as is one that dropping a
    // group would leave too short (Russia's trunk prefix 8 written after the code).
    [Theory]
    [InlineData("Call +44 20 7946 0958 12 items later.", "+44 20 7946 0958")]
    [InlineData("Call +44 20 7946 0958 123 times.", "+44 20 7946 0958")]
    [InlineData("Dial +1 415-555-0132 25 seats left.", "+1 415-555-0132")]
    [InlineData("Dial +1 (415) 555-0132 2025 prices.", "+1 (415) 555-0132")]
    [InlineData("Appelez +33 6 12 34 56 78 42 fois.", "+33 6 12 34 56 78")]
    [InlineData("Chiamare +39 06 1234 5678 12 volte.", "+39 06 1234 5678")]
    [InlineData("Call +442079460958 12 items later.", "+442079460958")]
    [InlineData("Call +44 (0)20 7946 0958 12 items later.", "+44 (0)20 7946 0958")]
    [InlineData("Call +44 (0)20 7946 0958 today.", "+44 (0)20 7946 0958")]
    [InlineData("Call +44 020 7946 0958 today.", "+44 020 7946 0958")]
    [InlineData("Appelez +33 6 12 34 56 78 demain.", "+33 6 12 34 56 78")]
    [InlineData("Chiamare +39 06 1234 5678 entro venerdì.", "+39 06 1234 5678")]
    [InlineData("Ring +49 30 1234 5678 now.", "+49 30 1234 5678")]
    [InlineData("Call +7 8 495 123 45 67 today.", "+7 8 495 123 45 67")]
    public void A_number_with_a_country_code_ends_at_the_number_when_a_short_digit_group_follows_it(string text, string number) =>
        AssertOnly(text, "pii.phone", number);

    // Digit runs that share a national number's digits or separators but not its structure.
    [Theory]
    [InlineData("Released 2024-01-15, patched 15.01.2024 and 01/02/2024 at 09:30:00.")]
    [InlineData("From 01/02/2024 10 people joined; on 01.02.2024 10:30 the rest.")]
    [InlineData("Upgrade 1.2.3.4 to 10.0.100, then 0.12.345.")]
    [InlineData("Total: 1 234 567,00 EUR; budget 912 345 678 EUR; 1 050 000 000 units.")]
    [InlineData("Income EUR 654 000 000; telemetry counted 612 345 678 events; tell 712 345 678 apart.")]
    [InlineData("ISBN 0-306-40615-2 and 978-0-306-40615-7.")]
    [InlineData("Hosts 192.168.0.1 and 010.001.002.003 are down.")]
    [InlineData("Boston, MA 02110-1301, USA")]
    [InlineData("Invoice 00123456789 and order #0123 456789 shipped.")]
    [InlineData("| 045 | 115657 |\n| 0451 | 11565 |")]
    [InlineData("const int mask = 0x1F2E; var ids = new[] { 0123, 45678, 90123 };")]
    [InlineData("printf(\"%012f\", x) gives 01234.000000 here.")]
    [InlineData("Formula 03.05.20.0004.01 and 08-01-3697739.")]
    [InlineData("01067 Dresden; PLZ 80331 München.")]
    [InlineData("Days 01 02 03 04 05 06 07 are booked.")]
    [InlineData("console.log(copy); // Prints: <Buffer 01 02 03 04 05>")]
    [InlineData("strftime('%H %M %S %f') gives 01 02 03 000004.")]
    [InlineData("Smartphone shipments: 912 345 678 units.")]
    [InlineData("iPhone sales reached 712 345 678 last year.")]
    public void Dates_versions_amounts_and_codes_are_not_national_phone_numbers(string text) =>
        Assert.DoesNotContain(SensitiveDataScanner.Scan(text), f => f.Kind == "pii.phone");

    // Invoice, order, customer and reference numbers take a national number's shape; the words just before them say
    // what they are.
    [Theory]
    [InlineData("Invoice 0815 2024 0001")]
    [InlineData("Please pay invoice 0815 2024 0001 by Friday.")]
    [InlineData("Order no. 0176 5555 1234")]
    [InlineData("Your order number is 0176 5555 1234.")]
    [InlineData("Ref: 0207 946 0000")]
    [InlineData("Customer ID 07700 900123 has two open tickets.")]
    [InlineData("Tracking number: 0151 23456789")]
    [InlineData("Ticket #: 020 7946 0958")]
    [InlineData("Bank details follow.\nNo. 0176 5555 1234")]
    [InlineData("- Nr. 0891 2345 67")]
    [InlineData("Kundennummer 0301 2345 678")]
    [InlineData("Rechnung Nr. 0891 2345 67")]
    [InlineData("Ihre Bestell-Nr.: 030 12345678")]
    [InlineData("Facture n° 01 23 45 67 89")]
    [InlineData("Numéro de commande : 06 12 34 56 78")]
    [InlineData("Référence 01.23.45.67.89")]
    [InlineData("Factura nº 612 34 56 78")]
    [InlineData("Pedido 91 234 56 78 enviado.")]
    [InlineData("Fattura n. 06 1234 5678")]
    [InlineData("Numero ordine: 02 123 45 67")]
    [InlineData("Factuurnummer 06-12345678")]
    [InlineData("Klantnummer: 020 123 4567")]
    [InlineData("Bestelling nr. 020 7946 0958")]
    public void National_numbers_labelled_as_identifiers_are_not_phone_numbers(string text) =>
        Assert.DoesNotContain(SensitiveDataScanner.Scan(text), f => f.Kind == "pii.phone");

    // An identifier label counts only right before the number: a phone word between them, a country code, another word
    // or a line break leaves a phone number.
    [Theory]
    [InlineData("Invoice questions: call 020 7946 0000", "020 7946 0000")]
    [InlineData("Order no. +44 20 7946 0958", "+44 20 7946 0958")]
    [InlineData("Kundennummer +49 30 12345678", "+49 30 12345678")]
    [InlineData("Invoice attached.\n020 7946 0958 if anything is unclear.", "020 7946 0958")]
    [InlineData("Rechnung:\n030 12345678", "030 12345678")]
    [InlineData("Order no. 0176 5555 1234, phone 020 7946 0958", "020 7946 0958")]
    [InlineData("Tel. Nr. 030 12345678", "030 12345678")]
    [InlineData("Phone no.: 020 7946 0958", "020 7946 0958")]
    [InlineData("Contact no. 07700 900123", "07700 900123")]
    [InlineData("Caller ID: 020 7946 0958", "020 7946 0958")]
    [InlineData("Customer service: 0800 123 4567", "0800 123 4567")]
    [InlineData("Kundenservice: 0800 1234567", "0800 1234567")]
    [InlineData("Service client : 09 69 39 39 00", "09 69 39 39 00")]
    [InlineData("Facture n° 01 23 45 67 89 – Tél : 01 98 76 54 32", "01 98 76 54 32")]
    [InlineData("Bestellung per Telefon: 030 12345678", "030 12345678")]
    [InlineData("Teléfono: 912 345 678, pedido nº 612 345 678", "912 345 678")]
    [InlineData("In case 020 7946 0958 is busy, write.", "020 7946 0958")]
    [InlineData("To order: 0800 123 4567", "0800 123 4567")]
    public void Phone_numbers_near_identifier_labels_are_still_found(string text, string number)
    {
        var finding = Assert.Single(SensitiveDataScanner.Scan(text), f => f.Kind == "pii.phone");
        Assert.Equal(number, text.Substring(finding.Start, finding.Length));
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

    [Theory]
    [InlineData("std::cout << 42 << std::endl;")]
    [InlineData("use std::fs::File; let n = 5;")]
    [InlineData("var x = global::Declarative.Guards.Redactor.Redact(text); // 2 calls")]
    [InlineData("var password = Console.ReadLine(); if (password == expected) return 1;")]
    [InlineData("password = getpass.getpass()  # asks 3 times")]
    [InlineData("Upgrade to v2.0.0.1 or later.")]
    public void Code_and_version_numbers_are_not_personal_data_or_secrets(string text) =>
        Assert.Empty(SensitiveDataScanner.Scan(text));

    [Theory]
    [InlineData("2001:db8::8a2e:370:7334")]
    [InlineData("fe80::1")]
    [InlineData("[2001:db8:85a3::8a2e:370:7334]:443")]
    public void Real_IPv6_addresses_are_still_found(string address)
    {
        var text = $"connect to {address} now";
        var finding = Assert.Single(SensitiveDataScanner.Scan(text));
        Assert.Equal("pii.ipv6", finding.Kind);
    }

    [Theory]
    [InlineData("2001:db8::1: connection refused", "2001:db8::1")]
    [InlineData("peer 2001:db8:85a3::8a2e:370:7334: timeout", "2001:db8:85a3::8a2e:370:7334")]
    [InlineData("via ::1: refused", "::1")]
    public void A_colon_after_an_IPv6_address_ends_the_sentence_not_the_address(string text, string address)
        => AssertOnly(text, "pii.ipv6", address);

    [Theory]
    [InlineData("The meeting is at 10:30: bring the notes.")]
    [InlineData("Scores 12:30:45: final.")]
    public void Times_before_a_colon_are_not_IPv6_addresses(string text) => Assert.Empty(SensitiveDataScanner.Scan(text));

    [Theory]
    [InlineData("API_KEY=q8Zr4Lk2Vn7Xw1Bt9Pm3Hs6Jd0Fg5Ya2Ce", "q8Zr4Lk2Vn7Xw1Bt9Pm3Hs6Jd0Fg5Ya2Ce")]
    [InlineData("https://api.example.com/v1/data?access_token=q8Zr4Lk2Vn7Xw1Bt9Pm3Hs6Jd0Fg5Ya2Ce&page=2", "q8Zr4Lk2Vn7Xw1Bt9Pm3Hs6Jd0Fg5Ya2Ce")]
    [InlineData("token: cTh4Zr4Lk2Vn7Xw1Bt9Pm3Hs6Jd0Fg5Ya2Cer8== end", "cTh4Zr4Lk2Vn7Xw1Bt9Pm3Hs6Jd0Fg5Ya2Cer8==")]
    public void A_high_entropy_value_after_its_name_is_found_with_its_padding(string text, string token)
        => AssertOnly(text, "secret.generic", token);

    [Theory]
    [InlineData("我的密钥是AKIAZ3MHQW2YX5RN7PLK请保密", "secret.aws_access_key_id", "AKIAZ3MHQW2YX5RN7PLK")]
    [InlineData("令牌ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R谢谢", "secret.github", "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R")]
    [InlineData("电话+1 415-555-0132谢谢", "pii.phone", "+1 415-555-0132")]
    public void Values_right_after_CJK_text_are_found(string text, string kind, string value)
        => AssertOnly(text, kind, value);

    [Theory]
    [InlineData("Card: 4111 1111 1111 1111 05/27 CVV 123", "4111 1111 1111 1111")]
    [InlineData("Visa 4242 4242 4242 4242 123 please", "4242 4242 4242 4242")]
    [InlineData("MasterCard 2223 0031 2200 3222 on file", "2223 0031 2200 3222")]
    [InlineData("MasterCard 2221000000000009 on file", "2221000000000009")]
    public void Cards_followed_by_a_code_and_two_series_cards_are_found(string text, string card)
    {
        var finding = Assert.Single(SensitiveDataScanner.Scan(text), f => f.Kind == "pii.credit_card");
        Assert.Equal(card, text.Substring(finding.Start, finding.Length));
    }

    [Theory]
    [InlineData("order 4111 1111 1111 1112 123")]
    [InlineData("ref 5555-5555-5555-4445")]
    public void Runs_that_fail_Luhn_stay_unreported_with_a_code_after_them(string text) =>
        Assert.DoesNotContain(SensitiveDataScanner.Scan(text), f => f.Kind == "pii.credit_card");

    [Theory]
    [InlineData("iban de89 3704 0044 0532 0130 00 please")]
    [InlineData("gb82west12345698765432")]
    public void Lower_case_IBANs_are_found(string text) =>
        Assert.Equal("pii.iban", Assert.Single(SensitiveDataScanner.Scan(text)).Kind);

    [Theory]
    [InlineData("key AKIAZ3MHQW2YX5\u200BRN7PLK done", "secret.aws_access_key_id")]
    [InlineData("key sk-Zb3K9xLm2\u200BQv8Rt5Wy1Nc7Pd4Hf done", "secret.openai")]
    public void An_invisible_character_inside_a_secret_does_not_hide_it(string text, string kind)
    {
        var finding = Assert.Single(SensitiveDataScanner.Scan(text));
        Assert.Equal(kind, finding.Kind);
        Assert.Equal(4, finding.Start); // the span covers the invisible character too, so redaction removes all of it
        Assert.Equal(text.IndexOf(" done", StringComparison.Ordinal), finding.Start + finding.Length);
        Assert.DoesNotContain("Zb3K", Redactor.Redact(text).Text);
    }

    [Theory]
    [InlineData("{\"user\": \"ana\", \"password\": \"Hunter2!x\"}", "Hunter2!x")]
    [InlineData("{ \"client_secret\" : \"q-8Zr4~Lk2Vn\\\"7Xw\" }", "q-8Zr4~Lk2Vn\\\"7Xw")]
    [InlineData("config = {\"apiKey\": \"abc123def456\"}", "abc123def456")]
    public void A_credential_under_its_name_in_JSON_is_found(string text, string value)
        => AssertOnly(text, "secret.json_credential", value);

    [Theory]
    [InlineData("{\"password_hint\": \"your first pet\"}")]
    [InlineData("{\"password\": \"\"}")]
    [InlineData("The field \"password\" is required.")]
    public void JSON_that_holds_no_credential_is_not_reported(string text) =>
        Assert.Empty(SensitiveDataScanner.Scan(text));

    // An apostrophe is valid inside an address's local part (RFC 5322 atext): before the fix "o'brien@example.com" was
    // found as "brien@example.com". Only one between two characters of the local part counts: a quote around the address,
    // or a word with an apostrophe a space away, stays outside.
    [Theory]
    [InlineData("Write to o'brien@example.com today.", "o'brien@example.com")]
    [InlineData("o'brien@example.com", "o'brien@example.com")]
    [InlineData("Ask d'angelo.o'neil@mail.example.ie first.", "d'angelo.o'neil@mail.example.ie")]
    [InlineData("it's at bob@example.com now", "bob@example.com")]
    [InlineData("Mail 'bob@example.com' now.", "bob@example.com")]
    [InlineData("Mail 'o'brien@example.com' now.", "o'brien@example.com")]
    [InlineData("Mail ''bob@example.com now.", "bob@example.com")]
    [InlineData("He wrote: ‘o'brien@example.com’.", "o'brien@example.com")]
    public void E_mail_addresses_with_an_apostrophe_in_the_local_part_are_found_whole(string text, string address) =>
        AssertOnly(text, "pii.email", address);

    [Fact]
    public void An_apostrophe_right_before_the_at_sign_is_no_local_part() =>
        Assert.Empty(SensitiveDataScanner.Scan("Mail bob'@example.com now."));

    [Theory]
    [InlineData("Pay to ES91 2100 0418 4502 0005 1332 by Friday", "ES91 2100 0418 4502 0005 1332")]
    [InlineData("Pay to ES9121000418450200051332 to me", "ES9121000418450200051332")]
    [InlineData("IBAN BE68 5390 0754 7034 is mine", "BE68 5390 0754 7034")]
    [InlineData("Pay to ES91 2100 0418 4502 0005 1332.", "ES91 2100 0418 4502 0005 1332")]
    public void An_IBAN_followed_by_a_short_word_is_found_without_the_word(string text, string iban)
    {
        var finding = Assert.Single(SensitiveDataScanner.Scan(text), f => f.Kind == "pii.iban");
        Assert.Equal(iban, text.Substring(finding.Start, finding.Length));
    }

    [Theory]
    [InlineData("Schreib an jose@münchen.de bitte", "jose@münchen.de")]
    [InlineData("Escribe a josé.garcía@correo.es hoy", "josé.garcía@correo.es")]
    [InlineData("联系我jane@example.com谢谢", "jane@example.com")]
    [InlineData("(ops+alerts@mail.example.co.uk)", "ops+alerts@mail.example.co.uk")]
    public void E_mail_addresses_with_latin_diacritics_are_found_and_other_scripts_stay_outside(string text, string address) =>
        AssertOnly(text, "pii.email", address);

    [Theory]
    [InlineData("Пишите на иван.петров@почта.рф сегодня", "иван.петров@почта.рф")]
    [InlineData("Γράψτε στο γιώργος@παράδειγμα.ελ αύριο", "γιώργος@παράδειγμα.ελ")]
    [InlineData("संपर्क: राम@उदाहरण.भारत", "राम@उदाहरण.भारत")]
    [InlineData("راسلني على أحمد@مثال.مصر اليوم", "أحمد@مثال.مصر")]
    [InlineData("Write to admin@example.xn--p1ai today", "admin@example.xn--p1ai")]
    [InlineData("請寄到mei@example.tw謝謝", "mei@example.tw")]
    public void E_mail_addresses_in_scripts_with_spaces_are_found(string text, string address) =>
        AssertOnly(text, "pii.email", address);
}
