using JobQueue.Client;
using JobQueue.Storage;
using JobQueue.Watching;

namespace JobQueue;

/// <summary>The running job, given to its handler: who it is, which attempt, and what it may do while it runs.</summary>
public sealed class JobContext
{
    private readonly IJobStorage _storage;
    private readonly JobFactory _factory;
    private readonly TimeProvider _time;
    private readonly Guid _leaseToken;
    private readonly JobChanges? _changes;

    internal JobContext(StoredJob job, IJobClient jobs, IJobStorage storage, JobFactory factory, TimeProvider time,
        JobChanges? changes = null)
    {
        JobId = job.Id;
        Name = job.Name;
        Attempt = job.Attempt;
        MaxAttempts = job.MaxAttempts;
        Queue = job.Queue;
        BatchId = job.BatchId;
        Jobs = jobs;
        _storage = storage;
        _factory = factory;
        _time = time;
        _leaseToken = job.LeaseToken ?? Guid.Empty;
        _changes = changes;
    }

    /// <summary>The job's id.</summary>
    public JobId JobId { get; }

    /// <summary>The job's stable name.</summary>
    public string Name { get; }

    /// <summary>This attempt's number, starting at 1.</summary>
    public int Attempt { get; }

    /// <summary>How many attempts the job may make.</summary>
    public int MaxAttempts { get; }

    /// <summary>The queue the job runs in.</summary>
    public string Queue { get; }

    /// <summary>The batch the job belongs to, or null.</summary>
    public BatchId? BatchId { get; }

    /// <summary>A client for enqueueing other jobs and reading status.</summary>
    public IJobClient Jobs { get; }

    /// <summary>The delay requested through <see cref="Snooze"/>, if any.</summary>
    internal TimeSpan? SnoozeDelay { get; private set; }

    /// <summary>
    /// Adds a child to this job's own batch. It counts before this job completes, so the batch's success
    /// callback cannot run until the new child succeeded too.
    /// </summary>
    /// <returns>The new child's id.</returns>
    /// <exception cref="ArgumentException">
    /// The options are invalid, or the serialized arguments are larger than <see cref="JobQueueOptions.MaxArgumentsSize"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException">This job is not a child of a batch.</exception>
    public async ValueTask<JobId> EnqueueIntoBatchAsync<TArgs>(TArgs args, EnqueueOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        JobFactory.Validate(options);
        if (BatchId is not { } batchId)
        {
            throw new InvalidOperationException($"Job {JobId} ({Name}) is not part of a batch, so it cannot add children to one.");
        }

        NewJob child = _factory.Create(_factory.Registration<TArgs>(), args, options, _time.GetUtcNow(), batchId);
        var request = new EnqueueRequest { Jobs = [child], Now = _time.GetUtcNow() };
        IReadOnlyList<EnqueueResult> results = await _storage.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        return results[0].Id;
    }

    /// <summary>Stores this job's progress, readable through <see cref="JobInfo.Progress"/>.</summary>
    /// <param name="percent">From 0 to 100.</param>
    /// <param name="message">An optional note.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is outside 0 to 100.</exception>
    public async ValueTask ReportProgressAsync(double percent, string? message = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        await _storage.ReportProgressAsync([new ProgressReport { Id = JobId, LeaseToken = _leaseToken, Progress = new JobProgress(percent, message) }], cancellationToken)
            .ConfigureAwait(false);
        _changes?.Changed(JobId);
    }

    /// <summary>
    /// Asks to run this job again after <paramref name="delay"/> without spending an attempt. Return from the
    /// handler after calling it; the handler's result, if any, is discarded.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="delay"/> is negative or longer than about 49.7 days (the longest span any setting takes).
    /// </exception>
    public void Snooze(TimeSpan delay)
    {
        // Checked here, in the handler that chose the delay: past this point it only surfaces in the engine.
        if (TimerLimit.Problem(delay, allowZero: true) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, $"Snooze({delay}): {problem}.");
        }

        SnoozeDelay = delay;
    }
}
