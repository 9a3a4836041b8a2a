using System.Diagnostics;
using JobQueue.Diagnostics;
using JobQueue.Hosting;
using JobQueue.Registration;
using JobQueue.Storage;
using JobQueue.Watching;

namespace JobQueue.Client;

/// <summary>The <see cref="IJobClient"/> registered by AddJobQueue.</summary>
internal sealed partial class JobClient : IJobClient
{
    /// <summary>
    /// The most jobs one plain bulk enqueue writes in one store call. A Redis script blocks the whole server while
    /// it runs and a SQL statement holds its locks until commit, so a list of 100,000 jobs is written in steps this
    /// size rather than as one call that stalls every other client for seconds.
    /// </summary>
    internal const int EnqueueChunkSize = 1000;

    private readonly IJobStorage _storage;
    private readonly JobFactory _factory;
    private readonly TimeProvider _time;
    private readonly JobQueueOptions _options;
    private readonly JobQueueDiagnostics _diagnostics;
    private readonly RunningJobs _runningJobs;
    private readonly JobChanges _changes;
    private readonly JobWatchers _watchers;
    private readonly WorkerPlan _plan;
    private readonly UnservedQueues _unserved;

    // Null unless the store wants concurrent single-job enqueues to share round trips and commits.
    private readonly WriteCoalescer<NewJob, EnqueueResult>? _enqueues;

    public JobClient(IJobStorage storage, JobFactory factory, TimeProvider time, JobQueueOptions options,
        JobQueueDiagnostics diagnostics, RunningJobs runningJobs, JobChanges changes, JobWatchers watchers, WorkerPlan plan, UnservedQueues unserved)
    {
        _plan = plan;
        _unserved = unserved;
        _storage = storage;
        _factory = factory;
        _time = time;
        _options = options;
        _diagnostics = diagnostics;
        _runningJobs = runningJobs;
        _changes = changes;
        _watchers = watchers;
        if (storage.Capabilities.CoalesceWrites)
        {
            _enqueues = new WriteCoalescer<NewJob, EnqueueResult>(
                jobs => _storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = _time.GetUtcNow() }, CancellationToken.None),
                options.FetchBatchSize * 10);
        }
    }

    /// <summary>The same client writing through another store view (see JobClientStorageExtensions).</summary>
    public JobClient WithStorage(IJobStorage storage) => new(storage, _factory, _time, _options, _diagnostics, _runningJobs, _changes, _watchers, _plan, _unserved);

    public ValueTask<JobId> EnqueueAsync<TArgs>(TArgs args, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        JobFactory.Validate(options);
        return EnqueueCoreAsync(args, options, cancellationToken);
    }

    public ValueTask<IReadOnlyList<JobId>> EnqueueManyAsync<TArgs>(IEnumerable<TArgs> args, EnqueueOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        JobFactory.Validate(options);
        if (options?.IdempotencyKey is not null)
        {
            throw new ArgumentException("EnqueueManyAsync cannot take an IdempotencyKey: one key would match only the first job. Enqueue such jobs one at a time.", nameof(options));
        }

        return EnqueueManyCoreAsync(args, options, cancellationToken);
    }

    public ValueTask<BatchId> StartBatchAsync(Action<BatchBuilder> build, CancellationToken cancellationToken = default)
        => BatchStarter.StartAsync(_storage, _factory, _diagnostics, _unserved, _time.GetUtcNow(), build, parentBatchId: null, cancellationToken);

    public ValueTask<JobInfo?> GetAsync(JobId id, CancellationToken cancellationToken = default)
        => ReadAsync(id, explainWait: true, cancellationToken);

    /// <param name="id">The job.</param>
    /// <param name="explainWait">Whether an Enqueued job's <see cref="JobInfo.Waiting"/> is worked out (one more store read).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    private async ValueTask<JobInfo?> ReadAsync(JobId id, bool explainWait, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredJob?> jobs = await _storage.GetJobsAsync([id], cancellationToken).ConfigureAwait(false);
        if (jobs[0] is not { } job)
        {
            return null;
        }

        JobWait? waiting = explainWait && job.State == JobState.Enqueued ? await ReadWaitAsync(job, cancellationToken).ConfigureAwait(false) : null;
        return JobInfoMapper.ToInfo(job, waiting);
    }

    public async ValueTask<BatchInfo?> GetBatchAsync(BatchId id, CancellationToken cancellationToken = default)
    {
        StoredBatch? batch = await _storage.GetBatchAsync(id, cancellationToken).ConfigureAwait(false);
        return batch is null ? null : JobInfoMapper.ToInfo(batch);
    }

    public async ValueTask<JobInfo> WaitForCompletionAsync(JobId id, CancellationToken cancellationToken = default)
    {
        bool signalled = _storage.Capabilities.FinishSignal;

        // A store with a finish signal is still re-read now and then: a signal can be lost with a dropped connection.
        TimeSpan recheck = TimerLimit.Clamp(signalled ? _options.PollInterval * 5 : _options.PollInterval);
        while (true)
        {
            // Without the wait reason: this loop only looks for the final state.
            JobInfo info = await ReadAsync(id, explainWait: false, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"No job {id} exists in the store (never enqueued, or already pruned).");
            if (info.IsFinished)
            {
                return info;
            }

            if (signalled)
            {
                using var timer = new CancellationTokenSource(recheck, _time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
                try
                {
                    await _storage.WaitForFinishAsync(id, wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The recheck interval passed: read the job again.
                }
            }
            else
            {
                await Task.Delay(recheck, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask<bool> CancelAsync(JobId id, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<CancelOutcome> outcomes = await _storage.CancelAsync(new CancelRequest { Ids = [id], Now = _time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        _changes.Changed(id);
        switch (outcomes[0])
        {
            case CancelOutcome.CancelledWhileRunning:
                // Fires the token at once when the job runs in this process; elsewhere the next lease renewal notices.
                _runningJobs.TryStop(id, StopReason.Cancelled);
                return true;
            case CancelOutcome.Cancelled:
                return true;
            default:
                return false;
        }
    }

    private async ValueTask<JobId> EnqueueCoreAsync<TArgs>(TArgs args, EnqueueOptions? options, CancellationToken cancellationToken)
    {
        JobContract contract = _factory.Contract<TArgs>();
        using Activity? activity = StartEnqueueActivity(contract.Name);
        DateTimeOffset now = _time.GetUtcNow();
        NewJob job = _factory.Create(contract, args, options, now);
        activity?.SetTag("jobqueue.job.id", job.Id.ToString());
        EnqueueResult result;
        if (_enqueues is not null)
        {
            result = await _enqueues.WriteAsync(job, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            result = await _storage.EnqueueOneAsync(job, now, cancellationToken).ConfigureAwait(false);
        }

        if (result.Created)
        {
            _diagnostics.Enqueued.Add(1, new KeyValuePair<string, object?>("jobqueue.job.name", job.Name),
                new KeyValuePair<string, object?>("jobqueue.queue", job.Queue));
        }

        await _unserved.CheckAsync(job.Queue).ConfigureAwait(false);
        return result.Id;
    }

    private async ValueTask<IReadOnlyList<JobId>> EnqueueManyCoreAsync<TArgs>(IEnumerable<TArgs> args, EnqueueOptions? options,
        CancellationToken cancellationToken)
    {
        JobContract contract = _factory.Contract<TArgs>();
        using Activity? activity = StartEnqueueActivity(contract.Name);
        DateTimeOffset now = _time.GetUtcNow();
        var jobs = new List<NewJob>();
        foreach (TArgs item in args)
        {
            if (item is null)
            {
                throw new ArgumentNullException(nameof(args), $"Item {jobs.Count} of the arguments is null; nothing was enqueued.");
            }

            jobs.Add(_factory.Create(contract, item, options, now));
        }

        if (jobs.Count == 0)
        {
            return [];
        }

        activity?.SetTag("jobqueue.batch.size", jobs.Count);

        // Every job was built (and its arguments checked) above, before the first write. Each chunk is one atomic
        // store call; the list as a whole is not atomic (see IJobClient.EnqueueManyAsync).
        var ids = new JobId[jobs.Count];
        for (int start = 0; start < jobs.Count; start += EnqueueChunkSize)
        {
            IReadOnlyList<NewJob> chunk = jobs.Count <= EnqueueChunkSize ? jobs : jobs.GetRange(start, Math.Min(EnqueueChunkSize, jobs.Count - start));
            IReadOnlyList<EnqueueResult> results = await _storage.EnqueueAsync(new EnqueueRequest { Jobs = chunk, Now = now }, cancellationToken)
                .ConfigureAwait(false);
            for (int i = 0; i < results.Count; i++)
            {
                ids[start + i] = results[i].Id;
            }

            _diagnostics.Enqueued.Add(chunk.Count, new KeyValuePair<string, object?>("jobqueue.job.name", contract.Name),
                new KeyValuePair<string, object?>("jobqueue.queue", jobs[0].Queue));
        }

        await _unserved.CheckAsync(jobs[0].Queue).ConfigureAwait(false);
        return ids;
    }

    private static Activity? StartEnqueueActivity(string jobName)
    {
        // Checked first so that, with no tracer listening, an enqueue pays neither for the span name nor the call.
        if (!JobQueueDiagnostics.ActivitySource.HasListeners())
        {
            return null;
        }

        Activity? activity = JobQueueDiagnostics.ActivitySource.StartActivity($"enqueue {jobName}", ActivityKind.Producer);
        activity?.SetTag("jobqueue.job.name", jobName);
        return activity;
    }
}
