using System.ComponentModel.DataAnnotations;

namespace Declarative.Runtime.OpenAI.Tests;

[Signature]
public partial class ShortAnswer
{
    [Input]
    public string Question { get; set; } = "";

    [Output]
    [StringLength(5)]
    public string Answer { get; set; } = "";
}
