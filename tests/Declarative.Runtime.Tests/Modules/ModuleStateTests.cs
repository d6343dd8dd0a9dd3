using System.Text.Json.Nodes;
using static Declarative.Runtime.Tests.Modules.AgentTestKit;

namespace Declarative.Runtime.Tests.Modules;

public class ModuleStateTests
{
    [Fact]
    public void ReAct_state_round_trips_through_dspys_json_layout_without_touching_the_source()
    {
        var agent = new ReAct("question -> answer", [Add()]);
        var json = JsonNode.Parse(ProgramState.Capture(agent).ToJson())!;
        json["react"]!["signature"]!["instructions"] = "Use the tools wisely.";
        var state = ProgramState.Parse(json.ToJsonString());

        var loaded = agent.WithState(state);

        Assert.Equal("Use the tools wisely.", loaded.React.Signature.Instructions);
        Assert.Equal(TypeKind.Literal, loaded.React.Signature["next_tool_name"].Shape.Kind);
        Assert.NotEqual("Use the tools wisely.", agent.React.Signature.Instructions);
        Assert.NotSame(agent.React, loaded.React);
        Assert.Same(agent.Tools, loaded.Tools);
    }

    [Fact]
    public void Wrappers_name_their_inner_predictors_under_module_and_state_loads_into_them()
    {
        var refine = new Refine<ChainOfThought>(new ChainOfThought("question -> answer"), new RolloutOptions(2, (_, _) => 1.0, 1.0));
        var best = new BestOfN<Predict>(new Predict("question -> answer"), new RolloutOptions(2, (_, _) => 1.0, 1.0));
        var mcc = new MultiChainComparison("question -> answer");
        Assert.Equal(["module.predict"], ProgramState.Capture(refine).Predictors.Keys);
        Assert.Equal(["module"], ProgramState.Capture(best).Predictors.Keys);
        Assert.Equal(["predict"], ProgramState.Capture(mcc).Predictors.Keys);

        var json = JsonNode.Parse(ProgramState.Capture(refine).ToJson())!;
        json["module.predict"]!["signature"]!["instructions"] = "Be brief.";
        var loaded = refine.WithState(ProgramState.Parse(json.ToJsonString()));
        Assert.Equal("Be brief.", loaded.Wrapped.Signature.Instructions);
        Assert.NotEqual("Be brief.", refine.Wrapped.Signature.Instructions);
    }
}
