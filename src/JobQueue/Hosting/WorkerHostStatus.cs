namespace JobQueue.Hosting;

/// <summary>Whether a worker host's loops run, as the health check reports it.</summary>
internal enum WorkerHostStatus
{
    NotStarted,
    Running,
    Stopped,

    /// <summary>A loop ended while the host was not stopping: it no longer fetches from some queue.</summary>
    Faulted,
}
