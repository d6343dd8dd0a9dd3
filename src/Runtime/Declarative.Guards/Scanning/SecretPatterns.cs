using System.Text.RegularExpressions;

namespace Declarative.Guards;

/// <summary>The regular expressions of <see cref="SensitiveDataScanner"/>, compiled at build time.</summary>
internal static partial class SecretPatterns
{
    [GeneratedRegex(@"(?<![A-Za-z0-9_])sk-ant-(?:api|admin|sid)?[0-9]{0,2}-?[A-Za-z0-9_\-]{32,}")]
    public static partial Regex Anthropic();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,}")]
    public static partial Regex OpenAi();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}(?![A-Za-z0-9_])")]
    public static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"(?i)aws.{0,24}?(?:secret|private).{0,16}?[""'`]?\s*[:=]\s*[""'`]?(?<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")]
    public static partial Regex AwsSecretKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])")]
    public static partial Regex GitHub();

    // Personal, deploy, runner, pipeline-trigger, feed, OAuth, CI-build, incoming-mail and agent tokens.
    [GeneratedRegex(@"(?<![A-Za-z0-9_])gl(?:pat|dt|rt|ptt|ft|oas|cbt|imt|agent)-[A-Za-z0-9_\-]{20,}")]
    public static partial Regex GitLab();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])xox[abposre]-[A-Za-z0-9\-]{10,}")]
    public static partial Regex Slack();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}(?![A-Za-z0-9_])")]
    public static partial Regex Stripe();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])AIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])")]
    public static partial Regex GoogleApiKey();

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")]
    public static partial Regex PrivateKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}")]
    public static partial Regex Jwt();

    // "Password=…;" in a connection string, quoted or not, and Azure's AccountKey / SharedAccessKey; not a comparison
    // ("password == x") nor code that computes the value ("password = Console.ReadLine();").
    [GeneratedRegex(@"(?i)(?:^|[;\s""'])(?:password|pwd|accountkey|sharedaccesskey)\s*=(?!=)\s*(?:'(?<v>[^'\r\n]+)'|""(?<v>[^""\r\n]+)""|(?>(?<v>[^;""'\s()\[\]]+))(?![(\[]))")]
    public static partial Regex ConnectionStringPassword();

    // A credential under its name in JSON (a config file, an API response): "password": "…", "client_secret": "…".
    [GeneratedRegex(@"(?i)""(?:password|passwd|pwd|passphrase|secret|client_?secret|api_?key|access_?token|refresh_?token|auth_?token|private_?key)""\s*:\s*""(?<v>(?:[^""\\\r\n]|\\.){4,})""")]
    public static partial Regex JsonCredential();

    [GeneratedRegex(@"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://[^:/\s@]*:(?<v>[^@/\s]+)@[^\s/]+")]
    public static partial Regex UrlPassword();

    // Letters of every script that separates words with spaces count ("josé@münchen.de", "иван@почта.рф",
    // "राम@उदाहरण.भारत"), with their combining marks; the scripts written without spaces (Chinese, Japanese, Thai, Lao,
    // Khmer, Myanmar) do not, so the text right before or after an address in them stays out of its span. A top-level
    // domain is letters or an ASCII "xn--" label.
    private const string AddressLetters = @"\p{L}\p{Mn}\p{Mc}0-9";
    private const string NotAddress = @"-[\u00AA\u00B5\u00BA\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u3000-\u30FF\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]";
    private const string Letter = "[" + AddressLetters + NotAddress + "]";
    private const string Label = Letter + @"(?:[" + AddressLetters + @"\-" + NotAddress + @"]*" + Letter + ")?";

    // The local part may hold an apostrophe between two of its characters ("o'brien", RFC 5322 atext), never at its start
    // or end: a quote around the address ("'bob@example.com'") stays outside it. Each apostrophe separates two runs of a
    // class it is not in, so a failed match does not backtrack over the ways to split a run.
    private const string LocalRun = "[" + AddressLetters + @"._%+\-" + NotAddress + "]+";

    [GeneratedRegex(@"(?<![" + AddressLetters + @"._%+\-" + NotAddress + @"])" + LocalRun + "(?:'" + LocalRun + ")*@" + Label + @"(?:\." + Label + @")*\.(?:xn--[A-Za-z0-9\-]{2,}|[\p{L}\p{Mn}\p{Mc}" + NotAddress + @"]{2,})(?!" + Letter + ")")]
    public static partial Regex Email();

    /// <summary>One character that <see cref="Email"/> takes as a letter of an address.</summary>
    [GeneratedRegex("^" + Letter + "$")]
    public static partial Regex AddressLetter();

    // International (+CC …) and US numbers; then national numbers: the trunk prefix 0 and an area code of 1–5 digits, in
    // brackets or followed by a space, '/' or '-', then one group of 4–8 digits or two to four of 2–4 split by spaces
    // ("089-12345678", "020 7946 0958", "(020) 7946 0958", "030/123 456 78"), or five pairs split by dots or dashes
    // ("01.23.45.67.89"); and Spain's nine digits, which have no trunk prefix ("612 34 56 78", "91 234 56 78",
    // "912 345 678": the scanner wants a word such as "teléfono" before that last, an amount's shape). A national number
    // is a whole run of digit groups: not after digits and a separator ("1 050 000 000", an IBAN's groups), not after
    // '.', '/', '-', '\' or '#', not before a separator and a digit (a date followed by a time). The scanner checks the
    // digit count.
    [GeneratedRegex(@"(?<![A-Za-z0-9_+])(?:\+[1-9][0-9]{0,2}[ .\-]?(?:\(?[0-9]{1,4}\)?[ .\-]?)?[0-9]{2,4}(?:[ .\-]?[0-9]{2,4}){1,4}|\(?[2-9][0-9]{2}\)?[ .\-][0-9]{3}[ .\-][0-9]{4}|\([2-9][0-9]{2}\)[0-9]{3}-[0-9]{4}"
        + @"|(?<![0-9][ .\-/:,()] ?|[./\\\-#])(?:\(0[1-9][0-9]{0,4}\) ?(?:[0-9]{4,8}|[0-9]{2,4}(?:[ \-][0-9]{2,4}){1,3})|0[1-9][0-9]{0,4}[ /\-](?:[0-9]{4,8}|[0-9]{2,4}(?: [0-9]{2,4}){1,3})|0[1-9](?:(?:\.[0-9]{2}){4}|(?:-[0-9]{2}){4})"
        + @"|[6-9][0-9]{2}(?: [0-9]{2}){3}|[89][1-8] [0-9]{3}(?: [0-9]{2}){2}|[6-9][0-9]{2} [0-9]{3} [0-9]{3})(?![ .\-/:,][0-9]))(?![A-Za-z0-9_\-])")]
    public static partial Regex Phone();

    // A word that names a phone number, on the line before it: "Tel.", "Telefon", "teléfono", "Tlf.", "phone", "móvil",
    // "mobile", "cell", "fax", "call", "llámenos", "☎"; not "tell", "telemetry", "recall", "llama", "smartphone" or
    // "iPhone" (sales figures take the shape of Spain's numbers).
    [GeneratedRegex(@"(?i)(?:\btel(?:[eé]f|eph|f?\b)|\b(?:tfno|tlfno|tlf|fax|cell(?:ular)?|call(?:s|ed|ing)?|ll[aá]m(?:e|ar|enos|anos|ada))\b|\b(?:phone|m[oó]vil|mobile)|☎)[^\r\n]*\z")]
    public static partial Regex PhoneContext();

    // What separates the words of an identifier's label, and the label from its number: spaces (not a line break) and
    // ':', '.', '-', '–', '='. Atomic, as no word of a label ends with one of them: a failed label is not tried again at
    // each shorter gap.
    private const string LabelGap = @"(?>(?:[^\S\r\n]|[:.=\-–])*)";

    // "number", "no.", "Nr.", "n°", "nº", "n.", "núm.", "ID", "ref", "code", "#" and their equivalents.
    private const string NumberWord = @"(?:\b(?:number|nummer|num[eé]ro|n[uú]mero|no|nr|num|n[uú]m|n|id|ref|code|codice|c[oó]digo)\b|\bn[°º]|#)";

    // Documents and records whose name alone labels a number: "Invoice 0815 2024 0001", "Rechnung Nr. …", "Facture n° …",
    // "Pedido …", "Fattura n. …", "Bestelling nr. …". Not "in case", "to order" or "caller ID", whose number is a phone's.
    private const string Record = @"(?<!\bin[^\S\r\n]+)case|(?<!\bto[^\S\r\n]+)order|(?<!\bcaller[^\S\r\n]*-?)id"
        + "|invoice|reference|r[eé]f|rif|account|acct|ticket|tracking|serial|transaction|receipt|contract|policy|shipment|parcel"
        + "|rechnung|bestellung|auftrag|vertrag|referenz|konto|sendung|beleg|vorgang|aktenzeichen|artikel"
        + "|facture|commande|r[eé]f[eé]rence|dossier|contrat|compte|colis|suivi|s[eé]rie"
        + "|factura|pedido|referencia|cuenta|expediente|contrato|env[ií]o|seguimiento"
        + "|fattura|ordine|riferimento|conto|pratica|contratto|spedizione"
        + "|factuur|bestelling|referentie|kenmerk|rekening|zending";

    // German and Dutch compounds with "-nummer" or "-nr" whose first part alone is no label: "Kundennummer",
    // "Bestell-Nr.", "Klantnummer", "Mitgliedsnummer", "Zaaknummer" (not "Telefonnummer", "Rufnummer").
    private const string CompoundStem = "kunde|klant|bestell?|mitglied|lid|fall|zaak|polis|versicherung|boeking";

    // People and parties, which name an identifier only with a number word after or before them ("customer no.",
    // "Customer ID", "numéro client", "n° de client", "codice cliente"): "Customer service:", "Service client :" and
    // "Atención al cliente:" are followed by a phone number.
    private const string Party = @"customer|client(?:e|es|i|s)?|klant|kunden?|member|membre|socio|adh[eé]rent|abonn[eé]|user|utilisateur|usuario|utente|benutzer|gebruiker";

    // Number words and "is", "ist", "lautet", "est", "es", "è", up to the number: "Your order number is",
    // "Ihre Kundennummer lautet:". Nothing else may come between a label and its number.
    private const string LabelTail = @"(?:" + LabelGap + @"(?:" + NumberWord + @"|\b(?:is|was|ist|lautet|est|es|è)\b))*" + LabelGap + @"\z";

    // A number labelled as an identifier by the words right before it on its line: a record's name or a compound with
    // "-nummer", or "No.", "Nr.", "N°" or "#" alone at the start of the line (after a list mark at most), then the label
    // tail. A phone word nearer to the number ("Invoice questions: call 020 7946 0000", "Tel. Nr.") or a line break
    // leaves a phone number. Matched right to left: a match ends at the end of the slice, so the engine tries once from
    // there rather than at each of its 40 positions. Parties are a second pattern: one holding both is large enough
    // that the JIT compiles its matcher without optimizations, several times slower.
    [GeneratedRegex(@"(?i)(?:\b(?:" + Record + @")(?:[sn]?-?(?:nummer|nr))?\b|\b(?:" + CompoundStem + @")[sn]?-?(?:nummer|nr)\b"
        + @"|(?:\A|[\r\n])[^\p{L}☎\r\n]{0,8}(?:\b(?:no|n|num|n[uú]m)(?=\.)|\bnr\b|\bn[°º]|#))" + LabelTail, RegexOptions.RightToLeft)]
    public static partial Regex RecordLabel();

    // A party with a number word before or after it ("numéro client :", "N° de client", "Customer ID"), then the label
    // tail; see RecordLabel.
    [GeneratedRegex(@"(?i)(?:" + NumberWord + @"\.?[^\S\r\n]*(?:(?:de|del|du|di|dei)[^\S\r\n]+|d['’])?\b(?:" + Party + @")\b"
        + @"|\b(?:" + Party + @")\b(?=" + LabelGap + NumberWord + @"))" + LabelTail, RegexOptions.RightToLeft)]
    public static partial Regex PartyLabel();

    [GeneratedRegex(@"(?<![0-9]|[A-Z]{2}[0-9]{2} ?)(?:2[2-7][0-9]{2}|[3-6][0-9]{3})(?:[ \-]?[0-9]{2,4}){2,4}[0-9]?(?![0-9])")]
    public static partial Regex CardCandidate();

    [GeneratedRegex(@"\G[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])")]
    public static partial Regex IbanCandidate();

    [GeneratedRegex(@"\b(?!000|666|9[0-9]{2})[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}\b")]
    public static partial Regex Ssn();

    [GeneratedRegex(@"(?<![0-9.A-Za-z])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?![0-9]|\.[0-9])")]
    public static partial Regex IPv4();

    [GeneratedRegex(@"(?<![A-Za-z0-9_:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:[0-9]{1,3}\.){3}[0-9]{1,3})?(?![A-Za-z0-9_:])")]
    public static partial Regex IPv6Candidate();
}
