using System.Runtime.CompilerServices;
using JobQueue.Client;
using JobQueue.Diagnostics;
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
    private readonly JobQueueDiagnostics? _diagnostics;

    internal JobContext(StoredJob job, IJobClient jobs, IJobStorage storage, JobFactory factory, TimeProvider time,
        JobChanges? changes = null, JobQueueDiagnostics? diagnostics = null)
    {
        _diagnostics = diagnostics;
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

        NewJob child = _factory.Create(_factory.Contract<TArgs>(), args, options, _time.GetUtcNow(), batchId);
        var request = new EnqueueRequest { Jobs = [child], Now = _time.GetUtcNow() };
        IReadOnlyList<EnqueueResult> results = await _storage.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        return results[0].Id;
    }

    /// <summary>
    /// Starts a batch nested in this job's own batch: it counts as one child of that batch until all its children finished,
    /// so the outer batch's success callback waits for it (and runs only if it succeeded). Written before this call returns,
    /// so it counts before this job completes.
    /// </summary>
    /// <returns>The nested batch's id.</returns>
    /// <exception cref="ArgumentException">The batch has no child, or options are invalid.</exception>
    /// <exception cref="InvalidOperationException">This job is not a child of a batch, or its batch has finished.</exception>
    public ValueTask<BatchId> StartNestedBatchAsync(Action<BatchBuilder> build, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (BatchId is not { } batchId)
        {
            throw new InvalidOperationException(
                $"Job {JobId} ({Name}) is not part of a batch, so it cannot nest a batch in one; start a plain batch with Jobs.StartBatchAsync.");
        }

        return BatchStarter.StartAsync(_storage, _factory, _diagnostics, unserved: null, _time.GetUtcNow(), build, batchId, cancellationToken);
    }

    /// <summary>
    /// Reads the children of this job's batch, page by page (newest first), for example in a success callback that collects
    /// what its children produced (<see cref="JobInfo.GetResult{TResult}"/>). The batch's callbacks are not listed.
    /// </summary>
    /// <param name="state">Only children in this state, such as <see cref="JobState.Succeeded"/>; null for all.</param>
    /// <param name="pageSize">Children read per store call, 1 to 1,000.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <exception cref="InvalidOperationException">This job belongs to no batch.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is outside 1 to 1,000.</exception>
    public IAsyncEnumerable<JobInfo> GetBatchChildrenAsync(JobState? state = null, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000);
        if (BatchId is not { } batchId)
        {
            throw new InvalidOperationException($"Job {JobId} ({Name}) belongs to no batch, so it has no batch children to read.");
        }

        return ReadBatchChildrenAsync(batchId, state, pageSize, cancellationToken);
    }

    private async IAsyncEnumerable<JobInfo> ReadBatchChildrenAsync(BatchId batchId, JobState? state, int pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StoredBatch? batch = await _storage.GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
        string? after = null;
        do
        {
            StoredJobPage page = await _storage.QueryJobsAsync(
                new JobQuery { BatchId = batchId, State = state, After = after, Limit = pageSize, CountLimit = 0 },
                cancellationToken).ConfigureAwait(false);
            foreach (StoredJob job in page.Jobs)
            {
                // Callbacks belong to their batch (a query by batch finds them) but are no children.
                if (job.Id != batch?.SuccessJobId && job.Id != batch?.FailureJobId)
                {
                    yield return JobInfoMapper.ToInfo(job);
                }
            }

            after = page.Next;
        }
        while (after is not null);
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
