using JobQueue.Client;
using JobQueue.Storage;

namespace JobQueue.Admin;

// Jobs: finding, retrying and deleting them, and the throughput history.
internal sealed partial class JobAdmin
{
    /// <summary>How many jobs one step of a bulk operation reads and changes: one page and one store call.</summary>
    internal const int BulkStepSize = 100;

    /// <summary>How far back <see cref="GetThroughputAsync"/> reads, and how long the counts are kept.</summary>
    internal static readonly TimeSpan ThroughputWindow = TimeSpan.FromHours(24);

    private static readonly JobState[] s_retryable = [JobState.Failed, JobState.Cancelled];
    private static readonly JobState[] s_finished = [JobState.Succeeded, JobState.Failed, JobState.Cancelled];

    public async ValueTask<JobPage> QueryJobsAsync(JobFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ValidateFilter(filter);
        if (filter.PageSize is < 1 or > JobFilter.MaxPageSize)
        {
            throw new ArgumentException(
                $"JobFilter.PageSize is {filter.PageSize}; it must be from 1 to {JobFilter.MaxPageSize}.", nameof(filter));
        }

        StoredJobPage page;
        try
        {
            page = await _storage.QueryJobsAsync(
                ToQuery(filter, filter.State, filter.PageSize, JobPage.TotalCountLimit, filter.Continuation), cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex) when (filter.Continuation is not null && ex.Message.Contains(filter.Continuation, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"JobFilter.Continuation is '{filter.Continuation}', which this store did not make: pass JobPage.Continuation of the previous page, with the same filter.",
                nameof(filter), ex);
        }

        var jobs = new JobInfo[page.Jobs.Count];
        for (int i = 0; i < jobs.Length; i++)
        {
            jobs[i] = JobInfoMapper.ToInfo(page.Jobs[i]);
        }

        return new JobPage { Jobs = jobs, Continuation = page.Next, Total = page.Total, TotalIsExact = page.TotalIsExact };
    }

    public async ValueTask<bool> RetryAsync(JobId id, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<RetryOutcome> outcomes = await _storage.RetryAsync(new RetryRequest { Ids = [id], Now = _time.GetUtcNow() }, cancellationToken)
            .ConfigureAwait(false);
        return outcomes[0] switch
        {
            RetryOutcome.Retried => true,
            RetryOutcome.NotFound => false,
            RetryOutcome refused => throw RetryRefused(id, refused),
        };
    }

    public async ValueTask<bool> DeleteAsync(JobId id, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<DeleteOutcome> outcomes = await _storage.DeleteAsync(new DeleteRequest { Ids = [id] }, cancellationToken).ConfigureAwait(false);
        return outcomes[0] switch
        {
            DeleteOutcome.Deleted => true,
            DeleteOutcome.NotFound => false,
            _ => throw new JobOperationRefusedException(id, JobRefusalReason.NotFinished,
                $"Job {id} has not finished, so it was not deleted: only Succeeded, Failed and Cancelled jobs are deleted. Cancel it first."),
        };
    }

    public ValueTask<int> RetryManyAsync(JobFilter filter, int maxJobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(maxJobs);
        ValidateFilter(filter);
        if (filter.State is { } state && Array.IndexOf(s_retryable, state) < 0)
        {
            throw new ArgumentException(
                $"JobFilter.State is {state}; only Failed and Cancelled jobs are retried. Leave the state null to retry both.", nameof(filter));
        }

        return BulkAsync(filter, filter.State is { } only ? [only] : s_retryable, maxJobs, RetryStepAsync, cancellationToken);
    }

    public ValueTask<int> DeleteManyAsync(JobFilter filter, int maxJobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(maxJobs);
        ValidateFilter(filter);
        if (filter.State is { } state && Array.IndexOf(s_finished, state) < 0)
        {
            throw new ArgumentException(
                $"JobFilter.State is {state}; only finished jobs (Succeeded, Failed, Cancelled) are deleted. Leave the state null to delete all three.", nameof(filter));
        }

        return BulkAsync(filter, filter.State is { } only ? [only] : s_finished, maxJobs, DeleteStepAsync, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<ThroughputPoint>> GetThroughputAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset currentMinute = new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        DateTimeOffset since = currentMinute - ThroughputWindow + TimeSpan.FromMinutes(1);
        IReadOnlyList<ThroughputBucket> buckets = await _storage.GetThroughputAsync(new ThroughputQuery { Since = since }, cancellationToken)
            .ConfigureAwait(false);
        var points = new ThroughputPoint[buckets.Count];
        for (int i = 0; i < points.Length; i++)
        {
            ThroughputBucket bucket = buckets[i];
            points[i] = new ThroughputPoint { Minute = bucket.Minute, Queue = bucket.Queue, Succeeded = bucket.Succeeded, Failed = bucket.Failed };
        }

        return points;
    }

    /// <summary>
    /// Walks the matches of each state in turn, newest first, one page of ids per step, and applies <paramref name="step"/>
    /// to each page. The page position only moves down, so every job is looked at once at most, and a job that stays in
    /// the filter after a refused step is not looked at again.
    /// </summary>
    private async ValueTask<int> BulkAsync(JobFilter filter, JobState[] states, int maxJobs,
        Func<IReadOnlyList<JobId>, CancellationToken, ValueTask<int>> step, CancellationToken cancellationToken)
    {
        int touched = 0;
        foreach (JobState state in states)
        {
            string? after = null;
            while (touched < maxJobs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                StoredJobPage page = await _storage.QueryJobsAsync(
                    ToQuery(filter, state, Math.Min(BulkStepSize, maxJobs - touched), countLimit: 0, after), cancellationToken).ConfigureAwait(false);
                if (page.Jobs.Count > 0)
                {
                    var ids = new JobId[page.Jobs.Count];
                    for (int i = 0; i < ids.Length; i++)
                    {
                        ids[i] = page.Jobs[i].Id;
                    }

                    touched += await step(ids, cancellationToken).ConfigureAwait(false);
                }

                if (page.Next is null)
                {
                    break;
                }

                after = page.Next;
            }
        }

        return touched;
    }

    private async ValueTask<int> RetryStepAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
    {
        IReadOnlyList<RetryOutcome> outcomes = await _storage.RetryAsync(new RetryRequest { Ids = ids, Now = _time.GetUtcNow() }, cancellationToken)
            .ConfigureAwait(false);
        return outcomes.Count(static o => o == RetryOutcome.Retried);
    }

    private async ValueTask<int> DeleteStepAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
    {
        IReadOnlyList<DeleteOutcome> outcomes = await _storage.DeleteAsync(new DeleteRequest { Ids = ids }, cancellationToken).ConfigureAwait(false);
        return outcomes.Count(static o => o == DeleteOutcome.Deleted);
    }

    private static JobQuery ToQuery(JobFilter filter, JobState? state, int limit, int countLimit, string? after) => new()
    {
        State = state,
        Queue = filter.Queue,
        Name = filter.Name,
        BatchId = filter.BatchId,
        Text = string.IsNullOrEmpty(filter.Text) ? null : filter.Text,
        After = after,
        Limit = limit,
        CountLimit = countLimit,
    };

    private static void ValidateFilter(JobFilter filter)
    {
        if (filter.State is { } state && !Enum.IsDefined(state))
        {
            throw new ArgumentException($"JobFilter.State is {(int)state}, which is no JobState.", nameof(filter));
        }

        if (filter.Queue is { Length: 0 })
        {
            throw new ArgumentException("JobFilter.Queue is empty; set a queue name, or null for every queue.", nameof(filter));
        }

        if (filter.Name is { Length: 0 })
        {
            throw new ArgumentException("JobFilter.Name is empty; set a job name, or null for every name.", nameof(filter));
        }

        if (filter.Text is { Length: > JobFilter.MaxTextLength } text)
        {
            throw new ArgumentException(
                $"JobFilter.Text is {text.Length} characters long; at most {JobFilter.MaxTextLength} are searched for.", nameof(filter));
        }
    }

    private static JobOperationRefusedException RetryRefused(JobId id, RetryOutcome outcome) => outcome switch
    {
        RetryOutcome.NotFinished => new(id, JobRefusalReason.NotFinished,
            $"Job {id} has not finished, so it was not retried: only Failed and Cancelled jobs are retried."),
        RetryOutcome.Succeeded => new(id, JobRefusalReason.Succeeded,
            $"Job {id} succeeded, so it was not retried: only Failed and Cancelled jobs are retried. Enqueue a new job to run it again."),
        RetryOutcome.BatchFailureCallbackReleased => new(id, JobRefusalReason.BatchFailureCallbackReleased,
            $"Job {id} was not retried: it is a child of a batch that failed and has a failure callback, which that failure released; a retry cannot take the batch's outcome back."),
        RetryOutcome.CancelledBatchCallback => new(id, JobRefusalReason.CancelledBatchCallback,
            $"Job {id} was not retried: it is a batch callback that was cancelled (by its batch's outcome, or before its batch decided), so running it would act on an outcome its batch did not have."),
        RetryOutcome.IdempotencyKeyInUse => new(id, JobRefusalReason.IdempotencyKeyInUse,
            $"Job {id} was not retried: another live job holds its idempotency key."),
        RetryOutcome.UnreadableState => new(id, JobRefusalReason.UnreadableState,
            $"Job {id} was not retried: its stored state could not be read (a damaged record). Delete it instead."),
        _ => new(id, JobRefusalReason.NotFinished, $"Job {id} was not retried: the store answered {outcome}."),
    };
}
