using JobQueue.Registration;
using JobQueue.Storage;

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

        var limits = new Dictionary<string, FetchLimits>(StringComparer.Ordinal);
        foreach (string queue in queues.Keys)
        {
            if (FetchLimitsPlan.For(declared.GetValueOrDefault(queue), registry) is FetchLimits queueLimits)
            {
                limits[queue] = queueLimits;
            }
        }

        Limits = limits;
        Declared = declared;
        _namesOnly = FetchLimitsPlan.For(queue: null, registry);
    }

    // The job types' limits alone, for a queue this process does not serve.
    private readonly FetchLimits? _namesOnly;

    /// <summary>The limits that apply to a queue's jobs as far as this process knows them, or null.</summary>
    public FetchLimits? LimitsOf(string queue) => Limits.GetValueOrDefault(queue) ?? _namesOnly;

    /// <summary>The flow limits of each queue's fetch; a queue without any is not listed.</summary>
    public IReadOnlyDictionary<string, FetchLimits> Limits { get; }

    /// <summary>The queues declared with AddQueue, with their options.</summary>
    public IReadOnlyDictionary<string, QueueOptions> Declared { get; }

    /// <summary>Queue name to concurrency.</summary>
    public IReadOnlyDictionary<string, int> Queues { get; }
}
