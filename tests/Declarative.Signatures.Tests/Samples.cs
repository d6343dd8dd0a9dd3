using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Declarative.Signatures.Tests;

public enum Severity
{
    Low,
    Medium,
    High,
}

public sealed record Address(string City, string Country);

public sealed record Person
{
    public required string Name { get; init; }

    [Description("where they live")]
    public required Address Home { get; init; }

    [Range(0, 150)]
    public int Age { get; init; }

    public string? Nickname { get; init; }
}

public sealed class TreeNode
{
    public string Label { get; set; } = "";

    public List<TreeNode> Children { get; set; } = [];
}

[Signature]
public partial class QuestionAnswer
{
    [Input]
    public string QuestionText { get; set; } = "";

    [Output]
    public string Answer { get; set; } = "";
}

[Signature("Answer with context.", Name = "Rag")]
public partial class WithContext
{
    [Input("facts that may help")]
    public List<string> Context { get; set; } = [];

    [Input]
    public string Question { get; set; } = "";

    [Output]
    [Range(1, 10)]
    public int Answer { get; set; }
}

[Signature("Answer from the document.")]
public partial class Grounded
{
    [Input(Untrusted = true)]
    public string Document { get; set; } = "";

    [Input]
    public string Question { get; set; } = "";

    [Output]
    public string Answer { get; set; } = "";
}

[Signature]
[Description("Triage the ticket.")]
public partial class Triage
{
    [Input]
    public string Ticket { get; set; } = "";

    [Output]
    public Severity Severity { get; set; }

    [Output]
    [AllowedValues("yes", "no")]
    public string Escalate { get; set; } = "";

    [Output(Name = "people")]
    [Length(1, 3)]
    public List<Person> Owners { get; set; } = [];

    [Output]
    public Dictionary<string, double?> Scores { get; set; } = [];

    [Output]
    [RegularExpression("^[A-Z]{3}-\\d+$")]
    [StringLength(12, MinimumLength = 5)]
    public string? Code { get; set; }
}

[Signature]
public partial class BothSides
{
    [Input]
    [Output]
    public string Value { get; set; } = "";
}

[Signature]
public partial class NoOutputs
{
    [Input]
    public string Value { get; set; } = "";
}

[Signature]
public partial class BadDictionary
{
    [Input]
    public string Value { get; set; } = "";

    [Output]
    public Dictionary<int, string> Map { get; set; } = [];
}

public partial class NotASignature
{
    [Input]
    public string Value { get; set; } = "";
}
