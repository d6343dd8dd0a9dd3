namespace Declarative.Benchmarks;

[Signature]
public partial class QuestionAnswer
{
    [Input]
    public string Question { get; set; } = "";

    [Output]
    public string Answer { get; set; } = "";
}

public enum Category
{
    Billing,
    Outage,
    Feature,
}

public sealed record Assignee(string Team, int Level);

[Signature("Triage the support ticket.")]
public partial class Triage
{
    [Input]
    public string Ticket { get; set; } = "";

    [Output]
    public int Priority { get; set; }

    [Output]
    public bool Urgent { get; set; }

    [Output]
    public List<string> Tags { get; set; } = [];

    [Output]
    public Category Category { get; set; }

    [Output]
    public Assignee Assignee { get; set; } = new("", 0);

    [Output]
    public string Summary { get; set; } = "";
}
