namespace JobQueue;

/// <summary>
/// Operates queues, hosts and stored jobs: what an operator (or the dashboard) does. Registered by AddJobQueue;
/// inject it where such operations are offered, and guard that code as an administrative surface.
/// </summary>
public interface IJobAdmin
{
    // ------------------------------------------------------------------ queues and hosts

    // ------------------------------------------------------------------ jobs
}
