using System.Diagnostics.Metrics;

namespace JobQueue.Diagnostics;

internal sealed partial class JobQueueDiagnostics
{
    /// <summary>
    /// Publishes <c>jobqueue.queue.paused</c>: per queue this host serves (tag <c>jobqueue.queue</c>), 1 while the host
    /// sees it paused, else 0. Observed, so it costs nothing until a listener reads it.
    /// </summary>
    public void ObservePausedQueues(Func<IEnumerable<Measurement<int>>> observe)
        => _meter.CreateObservableGauge("jobqueue.queue.paused", observe, "{queue}", "1 while this host sees the queue paused, else 0.");
}
