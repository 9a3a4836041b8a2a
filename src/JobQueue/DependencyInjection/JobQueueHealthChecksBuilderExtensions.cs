using JobQueue;
using JobQueue.Diagnostics;
using JobQueue.Hosting;
using JobQueue.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds JobQueue's health check to <c>services.AddHealthChecks()</c>.</summary>
public static class JobQueueHealthChecksBuilderExtensions
{
    /// <summary>
    /// Reports whether the store answers, whether this process's worker host runs, whether a live host serves each queue
    /// with ready jobs, and how long each queue's oldest ready job has waited. Unhealthy (or <paramref name="failureStatus"/>)
    /// when the store cannot be reached or the worker host stopped or lost a loop; Degraded when a queue that is not
    /// paused has ready jobs and no live worker host serves it, when the oldest ready job of a queue that is not paused
    /// has waited longer than <see cref="JobQueueHealthCheckOptions.QueueLatencyDegraded"/> (a paused queue's jobs wait on
    /// purpose), or when handlers abandoned after their timeout still run. The report's data lists, per queue with ready
    /// jobs, their count, the oldest one's wait in seconds and how many live hosts serve it, the paused queues, and how
    /// many handlers were abandoned.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Sets the latency that counts as degraded and how long to wait for the store.</param>
    /// <param name="name">The check's name in the report.</param>
    /// <param name="failureStatus">The status reported when the check fails; defaults to Unhealthy.</param>
    /// <param name="tags">Tags to filter checks by, such as "ready".</param>
    /// <exception cref="ArgumentException">An option is not positive.</exception>
    /// <remarks>Needs <c>AddJobQueue</c> in the same services.</remarks>
    public static IHealthChecksBuilder AddJobQueue(this IHealthChecksBuilder builder, Action<JobQueueHealthCheckOptions>? configure = null,
        string name = "jobqueue", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new JobQueueHealthCheckOptions();
        configure?.Invoke(options);
        if (options.QueueLatencyDegraded <= TimeSpan.Zero)
        {
            throw new ArgumentException($"JobQueueHealthCheckOptions.QueueLatencyDegraded is {options.QueueLatencyDegraded}; it must be positive.", nameof(configure));
        }

        if (options.StoreTimeout <= TimeSpan.Zero || options.StoreTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException($"JobQueueHealthCheckOptions.StoreTimeout is {options.StoreTimeout}; it must be positive and at most 24 days.", nameof(configure));
        }

        return builder.Add(new HealthCheckRegistration(
            name,
            services => new JobQueueHealthCheck(
                services.GetRequiredService<IJobStorage>(),
                services.GetRequiredService<StoreName>(),
                services.GetRequiredService<AbandonedHandlers>(),
                options,
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                services.GetService<WorkerHost>()),
            failureStatus,
            tags));
    }
}
