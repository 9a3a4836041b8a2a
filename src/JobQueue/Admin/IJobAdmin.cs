namespace JobQueue;

/// <summary>
/// Operates queues, hosts and stored jobs: what an operator (or the dashboard) does. Registered by AddJobQueue;
/// inject it where such operations are offered, and guard that code as an administrative surface.
/// </summary>
public interface IJobAdmin
{
    // ------------------------------------------------------------------ queues and hosts

    /// <summary>
    /// Pauses a queue on every host: from the moment this returns, no job of the queue starts anywhere until
    /// <see cref="ResumeQueueAsync"/>. Jobs that had started run to their end; jobs are still enqueued and kept.
    /// </summary>
    /// <remarks>
    /// The pause is stored, so it holds across restarts and for hosts that start later, and a queue that no host serves
    /// yet can be paused. The store itself refuses to lease a paused queue's jobs, so there is no window in which a
    /// host that has not heard of the pause yet starts one; hosts see it within their poll interval
    /// (<see cref="JobQueueOptions.PollInterval"/>, 1 second by default), log it and stop asking for the queue's jobs.
    /// Pausing a paused queue changes nothing (it keeps its first pause time).
    /// </remarks>
    /// <param name="queue">The queue's name.</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    /// <exception cref="ArgumentException"><paramref name="queue"/> is null, empty or white space.</exception>
    ValueTask PauseQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resumes a paused queue: hosts start its jobs again, at once where the store has a wake-up signal and otherwise
    /// within their poll interval. Resuming a queue that is not paused changes nothing.
    /// </summary>
    /// <param name="queue">The queue's name.</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    /// <exception cref="ArgumentException"><paramref name="queue"/> is null, empty or white space.</exception>
    ValueTask ResumeQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists every queue that has jobs, is paused, or is served by a live host, by name (ordinal order): its jobs by
    /// state, whether it is paused, its latency (how long its oldest ready job has waited) and the hosts serving it.
    /// </summary>
    /// <remarks>Counts every retained job of every queue: meant for dashboards and operators, not for a tight loop.</remarks>
    /// <param name="cancellationToken">Cancels the reads.</param>
    ValueTask<IReadOnlyList<QueueInfo>> GetQueuesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the worker hosts from their heartbeats, alive ones first, then by machine name and start time. A host that
    /// missed three heartbeats is listed as <see cref="HostStatus.Gone"/>, and an hour later no more; a host that stops
    /// gracefully removes itself at once.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<IReadOnlyList<HostInfo>> GetHostsAsync(CancellationToken cancellationToken = default);

    // ------------------------------------------------------------------ jobs
}
