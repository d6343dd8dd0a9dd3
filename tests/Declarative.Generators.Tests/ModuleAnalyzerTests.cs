extern alias gen;

using gen::Declarative.Generators;

namespace Declarative.Generators.Tests;

public class ModuleAnalyzerTests
{
    private const string Qa = "[Signature] public partial class QA { [Input] public string Q { get; set; } = \"\"; [Output] public string A { get; set; } = \"\"; }\n";

    [Fact]
    public async Task A_well_formed_module_has_no_diagnostics()
    {
        var diagnostics = await AnalyzerHarness.AnalyzeAsync(Qa + """
            [Module] public partial class Rag : Module
            {
                private readonly Predict<QA> _retrieve = new();
                public ChainOfThought<QA> Answer { get; } = new();
                public Predict<QA> Later { get; init; } = new();
                private readonly List<Predict> steps = [];
                private int counter;
            }
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public Task DCL008_a_predictor_field_that_can_be_reassigned() => AnalyzerHarness.AssertSingleAsync("DCL008", Qa + """
        [Module] public partial class Rag : Module
        {
            private Predict<QA> [|_retrieve|] = new();
        }
        """);

    [Fact]
    public Task DCL008_an_auto_property_with_a_setter() => AnalyzerHarness.AssertSingleAsync("DCL008", Qa + """
        [Module] public partial class Rag : Module
        {
            public List<Predict> [|Steps|] { get; set; } = [];
        }
        """);

    [Fact]
    public Task DCL009_module_not_partial() => AnalyzerHarness.AssertSingleAsync("DCL009", Qa + """
        [Module] public class [|Rag|] : Module
        {
            private readonly Predict<QA> _retrieve = new();
        }
        """);

    [Fact]
    public Task DCL009_module_not_a_module() => AnalyzerHarness.AssertSingleAsync("DCL009", Qa + """
        [Module] public partial class [|Rag|]
        {
            private readonly Predict<QA> _retrieve = new();
        }
        """);
}
