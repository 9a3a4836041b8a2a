using System.Text;
using JobQueue.Redis.Resp;
using JobQueue.Storage;
using static JobQueue.Redis.Tests.Upgrade.UpgradeFixture;

namespace JobQueue.Redis.Tests.Upgrade.Generator;

/// <summary>
/// Drives the SPI into the fixture's state: ready, scheduled and idempotent jobs, jobs running under a recorded lease
/// (one with progress, one whose lease is about to expire), a retry, the three final states and a half-done batch.
/// Every request's now is <see cref="T0"/>; ids and lease tokens are fixed, so the dump is the same on every run.
/// </summary>
internal sealed class Scenario
{
    public const string WorkerId = "upgrade-generator";

    public static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly BatchId s_batchId = new(new Guid("ba7c0000-0000-7000-8000-000000000001"));

    private readonly RespJobStorage _storage;
    private readonly CancellationToken _cancellationToken;

    // Role, id and intended state of each job, in enqueue order: the order is the job's Sequence.
    private readonly List<(string Role, JobId Id, JobState State)> _jobs = [];

    public Scenario(RespJobStorage storage, CancellationToken cancellationToken)
    {
        _storage = storage;
        _cancellationToken = cancellationToken;
    }

    public async Task<FixtureFacts> RunAsync()
    {
        // The jobs to lease come first, each enqueued and fetched before the next is enqueued: a fetch takes its
        // queue's best ready job, so "default" must hold only the one meant to be leased.
        NewJob progress = Job(1, "render-report", "default", """{"report":"2029-Q4"}""");
        await EnqueueAsync([(Roles.RunningWithProgress, progress, JobState.Running)]);
        await FetchAsync("default", progress.Id, Token(1), T0.AddMinutes(10));
        Require(await _storage.ReportProgressAsync([new ProgressReport(progress.Id, Token(1), new JobProgress(40, "rendering"))], _cancellationToken), "progress");

        NewJob expiring = Job(2, "sync-inventory", "default", """{"warehouse":"north"}""");
        await EnqueueAsync([(Roles.RunningLeaseExpiring, expiring, JobState.Running)]);
        await FetchAsync("default", expiring.Id, Token(2), T0.AddMinutes(1));

        NewJob retry = Job(3, "send-mail", "default", """{"to":"zoë@example.com","subject":"Größe & Preis"}""") with { MaxAttempts = 5 };
        await EnqueueAsync([(Roles.RetryScheduled, retry, JobState.Scheduled)]);
        await FetchAsync("default", retry.Id, Token(3), T0.AddMinutes(5));
        Require(await _storage.FailAsync(
            [new JobFailure
            {
                Id = retry.Id,
                LeaseToken = Token(3),
                Error = new JobError
                {
                    Type = "System.TimeoutException",
                    Message = "The mail server did not answer within 00:00:30.",
                    StackTrace = "   at Shop.Mail.SmtpSender.SendAsync(Message message) in /src/Shop/Mail/SmtpSender.cs:line 42\n   at Shop.Jobs.SendMail.RunAsync(JobContext context)",
                    Attempt = 1,
                    At = T0,
                },
                RetryAt = T0.AddSeconds(30),
                Now = T0,
            }],
            _cancellationToken), "retry");

        NewJob succeeded = Job(4, "create-invoice", "default", """{"order":17}""");
        await EnqueueAsync([(Roles.Succeeded, succeeded, JobState.Succeeded)]);
        await FetchAsync("default", succeeded.Id, Token(4), T0.AddMinutes(5));
        Require(await _storage.CompleteAsync(
            [new JobCompletion { Id = succeeded.Id, LeaseToken = Token(4), Result = Encoding.UTF8.GetBytes("""{"invoice":"INV-2030-0001","total":129.5,"currency":"EUR"}"""), Now = T0 }],
            _cancellationToken), "completion");

        NewJob failed = Job(5, "refund-order", "default", """{"order":18}""") with { MaxAttempts = 1 };
        await EnqueueAsync([(Roles.Failed, failed, JobState.Failed)]);
        await FetchAsync("default", failed.Id, Token(5), T0.AddMinutes(5));
        Require(await _storage.FailAsync(
            [new JobFailure
            {
                Id = failed.Id,
                LeaseToken = Token(5),
                Error = new JobError
                {
                    Type = "System.InvalidOperationException",
                    Message = "Order 18 was never paid; there is nothing to refund.",
                    StackTrace = "   at Shop.Jobs.RefundOrder.RunAsync(JobContext context) in /src/Shop/Jobs/RefundOrder.cs:line 27",
                    Attempt = 1,
                    At = T0,
                },
                Now = T0,
            }],
            _cancellationToken), "final failure");

        NewJob cancelled = Job(6, "send-reminder", "default", """{"customer":7}""");
        await EnqueueAsync([(Roles.Cancelled, cancelled, JobState.Cancelled)]);
        IReadOnlyList<CancelOutcome> cancel = await _storage.CancelAsync([cancelled.Id], T0, _cancellationToken);
        if (cancel[0] != CancelOutcome.Cancelled)
        {
            throw new InvalidOperationException($"Cancelling the enqueued job returned {cancel[0]}.");
        }

        NewJob scheduled = Job(7, "close-month", "default", """{"month":"2029-12"}""") with { RunAt = T0.AddHours(1) };
        await EnqueueAsync([(Roles.Scheduled, scheduled, JobState.Scheduled)]);

        NewJob ready = Job(8, "resize-image", "default", """{"image":"cat.png","width":640}""")
            with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
        await EnqueueAsync([(Roles.DefaultReady, ready, JobState.Enqueued)]);

        // Enqueued before the priority-5 job: a fetch must go by priority, not by enqueue order.
        NewJob mail0 = Job(9, "send-newsletter", "mail", """{"issue":12}""");
        NewJob mail5 = Job(10, "send-password-reset", "mail", """{"user":3}""") with { Priority = 5 };
        await EnqueueAsync([(Roles.MailPriority0, mail0, JobState.Enqueued), (Roles.MailPriority5, mail5, JobState.Enqueued)]);

        NewJob idempotent = Job(11, "charge-order", "orders", """{"order":42}""") with { IdempotencyKey = "order-42" };
        await EnqueueAsync([(Roles.Idempotent, idempotent, JobState.Enqueued)]);

        // Children in a queue of their own so that fetches take them in enqueue order; callbacks in another.
        NewJob child1 = Job(12, "print-label", "batch", """{"parcel":1}""") with { BatchId = s_batchId };
        NewJob child2 = Job(13, "print-label", "batch", """{"parcel":2}""") with { BatchId = s_batchId };
        NewJob child3 = Job(14, "print-label", "batch", """{"parcel":3}""") with { BatchId = s_batchId };
        NewJob onSuccess = Job(15, "ship-order", "batch-callbacks", """{"order":42}""");
        NewJob onFailure = Job(16, "alert-warehouse", "batch-callbacks", """{"order":42}""");
        await EnqueueAsync(
            [(Roles.BatchChild1, child1, JobState.Succeeded), (Roles.BatchChild2, child2, JobState.Running), (Roles.BatchChild3, child3, JobState.Enqueued)],
            new NewBatch { Id = s_batchId, SuccessCallback = onSuccess, FailureCallback = onFailure });
        _jobs.Add((Roles.BatchSuccessCallback, onSuccess.Id, JobState.Awaiting));
        _jobs.Add((Roles.BatchFailureCallback, onFailure.Id, JobState.Awaiting));
        await FetchAsync("batch", child1.Id, Token(12), T0.AddMinutes(5));
        Require(await _storage.CompleteAsync([new JobCompletion { Id = child1.Id, LeaseToken = Token(12), Now = T0 }], _cancellationToken), "child completion");
        await FetchAsync("batch", child2.Id, Token(13), T0.AddMinutes(10));

        return new FixtureFacts
        {
            T0 = T0,
            WorkerId = WorkerId,
            Jobs = await ReadJobsAsync(),
            Batch = await ReadBatchAsync(),
            QueueStatistics = await ReadStatisticsAsync(),
            Expectations = new FixtureExpectations
            {
                MailFetchOrder = [mail5.Id.Value, mail0.Id.Value],
                RescueAt = T0.AddMinutes(2),
                Rescued = [expiring.Id.Value],
                PromoteAt = T0.AddHours(2),
                Promoted = [retry.Id.Value, scheduled.Id.Value],
                IdempotencyKey = "order-42",
                IdempotencyHolder = idempotent.Id.Value,
                BatchReleases = onSuccess.Id.Value,
                BatchCancels = onFailure.Id.Value,
            },
        };
    }

    private static NewJob Job(int number, string name, string queue, string arguments) => new()
    {
        Id = new JobId(new Guid($"20300101-0000-7000-8000-{number:D12}")),
        Name = name,
        Queue = queue,
        Arguments = Encoding.UTF8.GetBytes(arguments),
        MaxAttempts = 3,
        Timeout = TimeSpan.FromMinutes(2),
        RetryDelay = TimeSpan.FromSeconds(15),
        RunAt = T0,
    };

    private static Guid Token(int number) => new($"1ea5e000-0000-4000-8000-{number:D12}");

    private static void Require(IReadOnlyList<bool> results, string what)
    {
        if (!results.All(static ok => ok))
        {
            throw new InvalidOperationException($"The store refused the {what}.");
        }
    }

    private async Task EnqueueAsync(IReadOnlyList<(string Role, NewJob Job, JobState State)> jobs, NewBatch? batch = null)
    {
        IReadOnlyList<EnqueueResult> results = await _storage.EnqueueAsync(
            new EnqueueRequest { Jobs = [.. jobs.Select(static j => j.Job)], Batch = batch, Now = T0 }, _cancellationToken);
        if (!results.All(static r => r.Created))
        {
            throw new InvalidOperationException("The store did not create every job of the scenario.");
        }

        _jobs.AddRange(jobs.Select(static j => (j.Role, j.Job.Id, j.State)));
    }

    private async Task FetchAsync(string queue, JobId expected, Guid leaseToken, DateTimeOffset leaseExpiresAt)
    {
        IReadOnlyList<StoredJob> leased = await _storage.FetchAsync(
            new FetchRequest { Queue = queue, Limit = 1, Now = T0, LeaseToken = leaseToken, LeaseExpiresAt = leaseExpiresAt, WorkerId = WorkerId },
            _cancellationToken);
        if (leased.Count != 1 || leased[0].Id != expected)
        {
            throw new InvalidOperationException($"A fetch in '{queue}' leased [{string.Join(", ", leased.Select(static j => j.Id))}] instead of {expected}.");
        }
    }

    /// <summary>
    /// The jobs as the current store reads them back: "as written" for the test is what this code returns. The
    /// states are checked against the scenario's intent, so a scenario that went wrong writes no fixture.
    /// </summary>
    private async Task<IReadOnlyList<FixtureJob>> ReadJobsAsync()
    {
        IReadOnlyList<StoredJob?> stored = await _storage.GetJobsAsync([.. _jobs.Select(static j => j.Id)], _cancellationToken);
        var jobs = new List<FixtureJob>(stored.Count);
        for (int i = 0; i < stored.Count; i++)
        {
            (string role, JobId id, JobState state) = _jobs[i];
            StoredJob job = stored[i] ?? throw new InvalidOperationException($"Job {id} ({role}) is missing.");
            if (job.State != state)
            {
                throw new InvalidOperationException($"Job {id} ({role}) is {job.State}; the scenario meant it to be {state}.");
            }

            jobs.Add(new FixtureJob
            {
                Role = role,
                Sequence = i + 1,
                Id = job.Id.Value,
                Name = job.Name,
                Queue = job.Queue,
                State = job.State,
                Priority = job.Priority,
                Arguments = Encoding.UTF8.GetString(job.Arguments),
                Attempt = job.Attempt,
                MaxAttempts = job.MaxAttempts,
                Timeout = job.Timeout,
                RetryDelay = job.RetryDelay,
                RunAt = job.RunAt,
                EnqueuedAt = job.EnqueuedAt,
                StartedAt = job.StartedAt,
                FinishedAt = job.FinishedAt,
                Result = job.Result is null ? null : Encoding.UTF8.GetString(job.Result),
                Errors = [.. job.Errors.Select(static e => new FixtureError { Type = e.Type, Message = e.Message, StackTrace = e.StackTrace, Attempt = e.Attempt, At = e.At })],
                Progress = job.Progress is null ? null : new FixtureProgress(job.Progress.Percent, job.Progress.Message),
                IdempotencyKey = job.IdempotencyKey,
                BatchId = job.BatchId?.Value,
                TraceParent = job.TraceParent,
                LeaseToken = job.LeaseToken,
                LeaseExpiresAt = job.LeaseExpiresAt,
                WorkerId = job.WorkerId,
            });
        }

        return jobs;
    }

    private async Task<FixtureBatch> ReadBatchAsync()
    {
        StoredBatch batch = await _storage.GetBatchAsync(s_batchId, _cancellationToken) ?? throw new InvalidOperationException("The batch is missing.");
        return new FixtureBatch
        {
            Id = batch.Id.Value,
            State = batch.State,
            Total = batch.Total,
            Succeeded = batch.Succeeded,
            Failed = batch.Failed,
            SuccessJobId = batch.SuccessJobId?.Value,
            FailureJobId = batch.FailureJobId?.Value,
            CreatedAt = batch.CreatedAt,
            FinishedAt = batch.FinishedAt,
        };
    }

    private async Task<IReadOnlyList<FixtureQueueStatistics>> ReadStatisticsAsync()
    {
        IReadOnlyList<QueueStatistics> statistics = await _storage.GetQueueStatisticsAsync(_cancellationToken);
        return [.. statistics.Select(static s => new FixtureQueueStatistics
        {
            Queue = s.Queue,
            Scheduled = s.Scheduled,
            Enqueued = s.Enqueued,
            Running = s.Running,
            Succeeded = s.Succeeded,
            Failed = s.Failed,
            Cancelled = s.Cancelled,
            Awaiting = s.Awaiting,
        })];
    }
}
