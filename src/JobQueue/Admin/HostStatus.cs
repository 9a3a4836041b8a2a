namespace JobQueue;

/// <summary>Whether a worker host still writes its heartbeats.</summary>
public enum HostStatus
{
    /// <summary>The host wrote a heartbeat within the last three of its heartbeat intervals.</summary>
    Alive = 0,

    /// <summary>
    /// The host missed three heartbeats: it died, hangs or lost the store (a host that stops gracefully removes itself).
    /// Its record is pruned an hour later.
    /// </summary>
    Gone = 1,
}
