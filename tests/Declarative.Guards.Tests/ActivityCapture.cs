using System.Collections.Concurrent;
using System.Diagnostics;

namespace Declarative.Guards.Tests;

/// <summary>Collects the activities of the Declarative source that stop while it is alive (this test's only, by trace id).</summary>
internal sealed class ActivityCapture : IDisposable
{
    private readonly ActivityListener listener;
    private readonly ConcurrentQueue<Activity> stopped = new();
    private readonly Activity root;

    public ActivityCapture()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Declarative" || source.Name == "guard-tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        root = new Activity("guard-test").Start();
    }

    public IReadOnlyList<Activity> Stopped => stopped.Where(a => a.TraceId == root.TraceId).ToArray();

    public void Dispose()
    {
        root.Stop();
        listener.Dispose();
    }
}
