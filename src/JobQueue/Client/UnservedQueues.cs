using System.Collections.Concurrent;
using JobQueue.Diagnostics;
using JobQueue.Hosting;
using JobQueue.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JobQueue.Client;

/// <summary>
/// Tells, in the log, of jobs enqueued into a queue that nothing serves: a queue this process does not serve (it runs
/// no worker, or the queue is not declared, no registered job type's and not "default") and that no live worker host
/// listed in the store serves. Such jobs wait for ever, silently, which is what a misspelt queue name, a missing
/// AddQueue in the worker, or workers that are all down look like.
/// </summary>
/// <remarks>
/// One read of the host registry per such queue per <see cref="RecheckInterval"/>, after the enqueue has written its
/// jobs: the enqueue's result never depends on it, and a failed read is logged at Debug and forgotten.
/// </remarks>
internal sealed class UnservedQueues
{
    /// <summary>How long one queue's answer is kept before an enqueue into it reads the hosts again.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);

    private readonly IJobStorage _storage;
    private readonly WorkerPlan _plan;
    private readonly bool _runsWorker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _checkedAt = new(StringComparer.Ordinal);

    // No ILoggerFactory in a container without logging (a plain ServiceCollection): the client works there too, silently.
    public UnservedQueues(IJobStorage storage, WorkerPlan plan, JobQueueOptions options, TimeProvider time, ILoggerFactory? loggers = null)
    {
        _storage = storage;
        _plan = plan;
        _runsWorker = options.RunWorker;
        _time = time;
        _logger = (ILogger?)loggers?.CreateLogger<UnservedQueues>() ?? NullLogger.Instance;
    }

    /// <summary>Checks a queue jobs were just written into; completes at once for a queue this process serves or checked lately.</summary>
    public ValueTask CheckAsync(string queue)
    {
        if (_runsWorker && _plan.Queues.ContainsKey(queue))
        {
            return ValueTask.CompletedTask;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (_checkedAt.TryGetValue(queue, out DateTimeOffset checkedAt) && now - checkedAt < RecheckInterval)
        {
            return ValueTask.CompletedTask;
        }

        _checkedAt[queue] = now;
        return CheckHostsAsync(queue, now);
    }

    /// <summary>Checks every queue of a list of jobs just written.</summary>
    public async ValueTask CheckAsync(IEnumerable<NewJob> jobs)
    {
        foreach (string queue in jobs.Select(static job => job.Queue).Distinct(StringComparer.Ordinal))
        {
            await CheckAsync(queue).ConfigureAwait(false);
        }
    }

    private async ValueTask CheckHostsAsync(string queue, DateTimeOffset now)
    {
        IReadOnlyList<HostHeartbeat> hosts;
        try
        {
            // Not the caller's token: its jobs are written, and a cancelled caller must not read as a failed enqueue.
            hosts = await _storage.GetHostsAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Only a warning depends on this read; the enqueue has succeeded whatever it throws.
        catch (Exception error)
#pragma warning restore CA1031
        {
            _logger.UnservedQueueCheckFailed(queue, error);
            return;
        }

        List<HostHeartbeat> alive = [.. hosts.Where(host => HostLiveness.StatusAt(host, now) == HostStatus.Alive)];
        if (!alive.Any(host => host.Queues.Any(served => string.Equals(served.Queue, queue, StringComparison.Ordinal))))
        {
            _logger.EnqueuedIntoUnservedQueue(queue, alive.Count);
        }
    }
}
