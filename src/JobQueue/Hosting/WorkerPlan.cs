using JobQueue.Registration;

namespace JobQueue.Hosting;

/// <summary>
/// Which queues this host serves and how many of each queue's jobs run at once: every declared queue, every
/// queue a registered job type names, and the default queue.
/// </summary>
internal sealed class WorkerPlan
{
    public WorkerPlan(IReadOnlyDictionary<string, QueueOptions> declared, JobRegistry registry, JobQueueOptions options)
    {
        var queues = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (QueueOptions queue in declared.Values)
        {
            queues[queue.Name] = queue.Concurrency;
        }

        foreach (JobRegistration registration in registry.All)
        {
            queues.TryAdd(registration.Options.Queue, options.DefaultConcurrency);
        }

        queues.TryAdd(JobQueueOptions.DefaultQueueName, options.DefaultConcurrency);
        Queues = queues;
    }

    /// <summary>Queue name to concurrency.</summary>
    public IReadOnlyDictionary<string, int> Queues { get; }
}
