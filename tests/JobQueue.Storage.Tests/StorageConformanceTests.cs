using System.Text;
using JobQueue.Storage;
using JobQueue.TestSupport;

namespace JobQueue.Storage.Tests;

/// <summary>
/// The rules of <see cref="IJobStorage"/> as tests. Every provider subclasses this once, returning a fresh,
/// empty, isolated store per test (a file, a schema or a key prefix of its own), so tests never see each
/// other's jobs and run in any order.
/// </summary>
/// <remarks>
/// Tests drive the SPI directly and pass every time in explicitly, from <see cref="T0"/> plus whole
/// milliseconds, so times are asserted exactly (every store keeps at least millisecond precision).
/// </remarks>
public abstract partial class StorageConformanceTests : IAsyncLifetime
{
    /// <summary>The fixed base time every test counts from.</summary>
    protected static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The queue tests use when the queue does not matter.</summary>
    protected const string DefaultQueue = "default";

    private readonly CancellationTokenSource _deadline = new(Deadline.Default);
    private IJobStorage? _storage;

    /// <summary>The store under test, fresh for every test.</summary>
    protected IJobStorage Storage => _storage ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Cancels store calls that hang, so a broken provider fails instead of stalling the run.</summary>
    protected CancellationToken Ct => _deadline.Token;

    /// <summary>Returns a fresh, empty store, isolated from every other test's store.</summary>
    protected abstract Task<IJobStorage> CreateStorageAsync();

    /// <summary>Releases what <see cref="CreateStorageAsync"/> made (a file, a schema, keys).</summary>
    protected virtual Task DisposeStorageAsync(IJobStorage storage) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task InitializeAsync() => _storage = await CreateStorageAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        try
        {
            if (_storage is not null)
            {
                await DisposeStorageAsync(_storage);
            }
        }
        finally
        {
            _deadline.Dispose();
        }
    }

    /// <summary><see cref="T0"/> plus whole milliseconds.</summary>
    protected static DateTimeOffset At(int milliseconds) => T0.AddMilliseconds(milliseconds);

    /// <summary>A job with every required field set; due at <see cref="T0"/> unless said otherwise.</summary>
    protected static NewJob Job(
        string queue = DefaultQueue,
        int priority = 0,
        DateTimeOffset? runAt = null,
        string? key = null,
        BatchId? batchId = null,
        int maxAttempts = 3,
        string name = "test-job")
        => new()
        {
            Id = JobId.New(),
            Name = name,
            Queue = queue,
            Priority = priority,
            Arguments = Encoding.UTF8.GetBytes("{\"n\":1}"),
            MaxAttempts = maxAttempts,
            Timeout = TimeSpan.FromSeconds(30),
            RetryDelay = TimeSpan.FromSeconds(2),
            RunAt = runAt ?? T0,
            IdempotencyKey = key,
            BatchId = batchId,
        };

    /// <summary>A failure error for an attempt.</summary>
    protected static JobError Error(int attempt, DateTimeOffset at, string message = "boom")
        => new() { Type = "System.InvalidOperationException", Message = message, StackTrace = "at Test()", Attempt = attempt, At = at };

    protected async Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(DateTimeOffset now, params NewJob[] jobs)
        => await Storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = now }, Ct);

    protected Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(params NewJob[] jobs) => EnqueueAsync(T0, jobs);

    /// <summary>Enqueues one job at <paramref name="now"/> (default <see cref="T0"/>) and asserts it was created.</summary>
    protected async Task<NewJob> EnqueueOneAsync(NewJob job, DateTimeOffset? now = null)
    {
        IReadOnlyList<EnqueueResult> results = await EnqueueAsync(now ?? T0, job);
        results.Should().Equal(new EnqueueResult { Id = job.Id, Created = true });
        return job;
    }

    /// <summary>Creates a batch with <paramref name="children"/> children and both callbacks.</summary>
    protected async Task<(BatchId Batch, NewJob[] Children, NewJob Success, NewJob Failure)> EnqueueBatchAsync(
        int children, DateTimeOffset? now = null, string queue = DefaultQueue)
    {
        BatchId batchId = BatchId.New();
        NewJob[] jobs = Enumerable.Range(0, children).Select(_ => Job(queue, batchId: batchId)).ToArray();
        NewJob success = Job("callbacks", batchId: batchId, name: "on-success");
        NewJob failure = Job("callbacks", batchId: batchId, name: "on-failure");
        await Storage.EnqueueAsync(
            new EnqueueRequest
            {
                Jobs = jobs,
                Batch = new NewBatch { Id = batchId, SuccessCallback = success, FailureCallback = failure },
                Now = now ?? T0,
            },
            Ct);
        return (batchId, jobs, success, failure);
    }

    protected async Task<StoredJob?> GetAsync(JobId id) => (await Storage.GetJobsAsync([id], Ct))[0];

    protected async Task<StoredJob> GetRequiredAsync(JobId id)
    {
        StoredJob? job = await GetAsync(id);
        job.Should().NotBeNull("job {0} was written", id);
        return job!;
    }

    protected async Task<StoredBatch> GetBatchRequiredAsync(BatchId id)
    {
        StoredBatch? batch = await Storage.GetBatchAsync(id, Ct);
        batch.Should().NotBeNull("batch {0} was written", id);
        return batch!;
    }

    protected async Task<IReadOnlyList<StoredJob>> FetchAsync(
        string queue = DefaultQueue, int limit = 1, DateTimeOffset? now = null, Guid? token = null, DateTimeOffset? leaseExpiresAt = null)
    {
        DateTimeOffset at = now ?? At(1_000);
        return await Storage.FetchAsync(
            new FetchRequest
            {
                Queue = queue,
                Limit = limit,
                Now = at,
                LeaseToken = token ?? Guid.NewGuid(),
                LeaseExpiresAt = leaseExpiresAt ?? at.AddSeconds(30),
                WorkerId = "worker-1",
            },
            Ct);
    }

    /// <summary>Leases exactly one job and returns it.</summary>
    protected async Task<StoredJob> FetchOneAsync(
        string queue = DefaultQueue, DateTimeOffset? now = null, Guid? token = null, DateTimeOffset? leaseExpiresAt = null)
    {
        IReadOnlyList<StoredJob> leased = await FetchAsync(queue, 1, now, token, leaseExpiresAt);
        leased.Should().ContainSingle("one job of queue '{0}' is ready", queue);
        return leased[0];
    }

    protected async Task<bool> CompleteAsync(StoredJob leased, DateTimeOffset now, byte[]? result = null, Guid? token = null)
        => (await Storage.CompleteAsync(
            [new JobCompletion { Id = leased.Id, LeaseToken = token ?? leased.LeaseToken!.Value, Result = result, Now = now }], Ct))[0];

    protected async Task<bool> FailAsync(StoredJob leased, DateTimeOffset now, DateTimeOffset? retryAt = null, Guid? token = null, string message = "boom")
        => (await Storage.FailAsync(
            [new JobFailure
            {
                Id = leased.Id,
                LeaseToken = token ?? leased.LeaseToken!.Value,
                Error = Error(leased.Attempt, now, message),
                RetryAt = retryAt,
                Now = now,
            }],
            Ct))[0];

    protected async Task<bool> RescheduleAsync(StoredJob leased, DateTimeOffset runAt, DateTimeOffset now, Guid? token = null)
        => (await Storage.RescheduleAsync([new JobReschedule { Id = leased.Id, LeaseToken = token ?? leased.LeaseToken!.Value, RunAt = runAt, Now = now }], Ct))[0];

    protected async Task<bool> ExtendAsync(StoredJob leased, DateTimeOffset expiresAt, Guid? token = null)
        => (await Storage.ExtendLeasesAsync([new LeaseExtension { Id = leased.Id, LeaseToken = token ?? leased.LeaseToken!.Value, ExpiresAt = expiresAt }], Ct))[0];

    protected async Task<bool> ReportProgressAsync(StoredJob leased, JobProgress progress, Guid? token = null)
        => (await Storage.ReportProgressAsync([new ProgressReport { Id = leased.Id, LeaseToken = token ?? leased.LeaseToken!.Value, Progress = progress }], Ct))[0];

    protected async Task<CancelOutcome> CancelAsync(JobId id, DateTimeOffset now) => (await Storage.CancelAsync(new CancelRequest { Ids = [id], Now = now }, Ct))[0];

    protected async Task<IReadOnlyList<JobId>> RescueAsync(DateTimeOffset now, int limit = 100)
        => await Storage.RescueExpiredLeasesAsync(
            new RescueRequest { Now = now, Limit = limit, ErrorType = "JobQueue.LeaseExpired", ErrorMessage = "The lease expired." }, Ct);

    protected async Task<int> PromoteAsync(DateTimeOffset now, int limit = 100) => await Storage.PromoteDueJobsAsync(new PromoteRequest { Now = now, Limit = limit }, Ct);

    protected async Task<QueueStatistics?> StatisticsAsync(string queue = DefaultQueue)
        => (await Storage.GetQueueStatisticsAsync(Ct)).SingleOrDefault(s => s.Queue == queue);
}
