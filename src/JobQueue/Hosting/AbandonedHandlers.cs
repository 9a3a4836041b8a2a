namespace JobQueue.Hosting;

/// <summary>
/// Counts handlers this host abandoned: attempts that were stopped (timeout, cancel, lost lease, shutdown) but whose
/// handler ignored its token past the grace period. The attempt is over and its slot freed, but the handler's code
/// still runs on a thread of this process, so a number that keeps growing means threads and memory held by code that
/// never looks at its token: what a health check reports.
/// </summary>
internal sealed class AbandonedHandlers
{
    private long _total;
    private int _running;

    /// <summary>Handlers abandoned since the host started.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Abandoned handlers that have not ended yet.</summary>
    public int StillRunning => Volatile.Read(ref _running);

    /// <summary>An attempt gave up on its handler, which keeps running.</summary>
    public void Abandoned()
    {
        Interlocked.Increment(ref _total);
        Interlocked.Increment(ref _running);
    }

    /// <summary>An abandoned handler has ended at last (or never started).</summary>
    public void Ended() => Interlocked.Decrement(ref _running);
}
