namespace JobQueue;

/// <summary>Settings of the JobQueue health check, given to <c>services.AddHealthChecks().AddJobQueue(o =&gt; ...)</c>.</summary>
public sealed class JobQueueHealthCheckOptions
{
    /// <summary>
    /// How long a queue's oldest ready job may have waited before the check reports Degraded: work arrives faster
    /// than the workers take it. A paused queue never counts: its jobs wait on purpose. A queue that no live host serves
    /// is reported at once, whatever its jobs' wait.
    /// </summary>
    /// <value>Defaults to 5 minutes.</value>
    public TimeSpan QueueLatencyDegraded { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the check waits for the store before it reports it unreachable.</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
