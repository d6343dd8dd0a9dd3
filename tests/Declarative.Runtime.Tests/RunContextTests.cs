using System.Reflection;
using Declarative.Testing;
using Declarative.Tracing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Tests;

/// <summary>RunContext's copies keep every setting they do not replace.</summary>
public class RunContextTests
{
    [Fact]
    public void Every_with_method_replaces_its_setting_and_keeps_all_the_others()
    {
        var original = new RunContext(new ScriptedChatClient())
        {
            Adapter = JsonAdapter.Default,
            Trace = new TraceRecorder(),
            Defaults = new CallSettings { Temperature = 0.5f },
            Logger = new ListLogger(),
        };
        var properties = typeof(RunContext).GetProperties(BindingFlags.Public | BindingFlags.Instance);

        // Every setting is set above to something other than its default, so that a copy that dropped one would show.
        var fresh = new RunContext(original.Client);
        Assert.All(properties.Where(p => p.Name != nameof(RunContext.Client)), p => Assert.NotSame(p.GetValue(fresh), p.GetValue(original)));
        Assert.Equal(
            ["Adapter", "Client", "Defaults", "Logger", "Trace"],
            properties.Select(p => p.Name).Order(StringComparer.Ordinal)); // a new setting must be given a value above

        var replacements = new Dictionary<string, (object? Value, Func<RunContext, object?, RunContext> With)>
        {
            [nameof(RunContext.Client)] = (new ScriptedChatClient(), (c, v) => c.WithClient((IChatClient)v!)),
            [nameof(RunContext.Trace)] = (new TraceRecorder(), (c, v) => c.WithTrace((ITraceSink?)v)),
            [nameof(RunContext.Defaults)] = (new CallSettings { Temperature = 1f }, (c, v) => c.WithDefaults((CallSettings?)v)),
        };
        var withMethods = typeof(RunContext).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name.StartsWith("With", StringComparison.Ordinal)).Select(m => m.Name[4..]).Order(StringComparer.Ordinal);
        Assert.Equal(replacements.Keys.Order(StringComparer.Ordinal), withMethods);

        foreach (var (name, (value, with)) in replacements)
        {
            var copy = with(original, value);
            Assert.NotSame(original, copy);
            foreach (var property in properties)
            {
                Assert.Same(property.Name == name ? value : property.GetValue(original), property.GetValue(copy));
            }
        }

        Assert.Null(original.WithTrace(null).Trace);
        Assert.Null(original.WithDefaults(null).Defaults);
        Assert.Throws<ArgumentNullException>(() => original.WithClient(null!));
    }
}
