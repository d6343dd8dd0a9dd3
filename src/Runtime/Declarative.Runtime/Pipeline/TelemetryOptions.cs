using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>Settings of <c>UseTelemetry</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// Whether spans carry the prompt and reply text (the GenAI conventions' message content). Off by default: prompts
    /// hold user data. Turn it on only where traces are as protected as the data.
    /// </summary>
    public bool EnableSensitiveData { get; set; }

    /// <summary>The price of a call in US dollars from its model id and usage, for the cost counter; <see langword="null"/> counts no cost.</summary>
    public Func<string?, UsageDetails, double?>? Price { get; set; }
}
