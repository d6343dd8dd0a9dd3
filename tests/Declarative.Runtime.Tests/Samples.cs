using System.ComponentModel.DataAnnotations;

namespace Declarative.Runtime.Tests;

public enum Severity
{
    Low,
    Medium,
    High,
}

public sealed record Owner(string Name, int TeamSize);

[Signature]
public partial class QA
{
    [Input]
    public string Question { get; set; } = "";

    [Output]
    public string Answer { get; set; } = "";
}

[Signature("Classify the ticket.")]
public partial class TicketTriage
{
    [Input]
    public string Ticket { get; set; } = "";

    [Output]
    public int Priority { get; set; }

    [Output]
    public double Confidence { get; set; }

    [Output]
    public bool Escalate { get; set; }

    [Output]
    public List<string> Tags { get; set; } = [];

    [Output]
    public Severity Severity { get; set; }

    [Output("who should handle it")]
    public Owner Owner { get; set; } = new("", 0);
}

public sealed record Address
{
    public required string City { get; init; }

    public int? Zip { get; init; }
}

[Signature]
public partial class AllShapes
{
    [Input]
    public string Question { get; set; } = "";

    [Output] public string Text { get; set; } = "";
    [Output] public bool Flag { get; set; }
    [Output] public int Count { get; set; }
    [Output] public long Big { get; set; }
    [Output] public short Small { get; set; }
    [Output] public byte Tiny { get; set; }
    [Output] public uint Unsigned { get; set; }
    [Output] public double Ratio { get; set; }
    [Output] public float Single { get; set; }
    [Output] public decimal Money { get; set; }
    [Output] public Severity Level { get; set; }
    [Output] public DateTime When { get; set; }
    [Output] public DateOnly Day { get; set; }
    [Output] public TimeOnly At { get; set; }
    [Output] public Guid Id { get; set; }
    [Output] public int? Maybe { get; set; }
    [Output] public string? Note { get; set; }
    [Output] public string[] Items { get; set; } = [];
    [Output] public List<int> Numbers { get; set; } = [];
    [Output] public Dictionary<string, double> Scores { get; set; } = [];
    [Output] public Address Home { get; set; } = new() { City = "" };
    [Output] public IReadOnlyList<Address> Places { get; set; } = [];
    [Output] public List<List<string>> Grid { get; set; } = [];
    [Output][AllowedValues("yes", "no")] public string Choice { get; set; } = "";
}
