using JobQueue.Registration;
using JobQueue.Storage;

namespace JobQueue.Hosting;

/// <summary>
/// The flow limits each queue's fetch passes to the store, from the declared queues' options and the registered job types'
/// options. A job type's limits travel with every queue's fetch: a job may be enqueued into any queue, and a type's rate
/// counts across all of them.
/// </summary>
internal static class FetchLimitsPlan
{
    /// <summary>The limits of one queue's fetch, or null when none applies (the plain fetch).</summary>
    public static FetchLimits? For(QueueOptions? queue, JobRegistry registry)
    {
        List<NameLimits>? names = null;
        foreach (JobRegistration registration in registry.All)
        {
            JobOptions options = registration.Options;
            if (options.ConcurrencyPerKey is not null || options.RateLimit is not null || options.RateLimitPerKey is not null)
            {
                (names ??= []).Add(new NameLimits
                {
                    Name = registration.Name,
                    ConcurrencyPerKey = options.ConcurrencyPerKey,
                    Rate = options.RateLimit,
                    RatePerKey = options.RateLimitPerKey,
                });
            }
        }

        bool queueLimited = queue is not null
            && (queue.GlobalConcurrency is not null || queue.ConcurrencyPerKey is not null || queue.RateLimit is not null || queue.RateLimitPerKey is not null);
        if (names is null && !queueLimited)
        {
            return null;
        }

        return new FetchLimits
        {
            QueueConcurrency = queue?.GlobalConcurrency,
            QueueRate = queue?.RateLimit,
            ConcurrencyPerKey = queue?.ConcurrencyPerKey,
            RatePerKey = queue?.RateLimitPerKey,
            Names = (IReadOnlyList<NameLimits>?)names ?? [],
        };
    }
}
