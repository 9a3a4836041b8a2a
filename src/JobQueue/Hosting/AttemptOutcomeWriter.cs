using System.Diagnostics;
using JobQueue.Diagnostics;
using JobQueue.Logs;
using JobQueue.Storage;
using JobQueue.Watching;
using Microsoft.Extensions.Logging;

namespace JobQueue.Hosting;

/// <summary>
/// Turns how an attempt ended into store writes under its lease token: complete, retry, fail for good, or give back
/// (snooze, rate limit, shutdown, a job no handler here knows), with the attempt's log lines before them. Concurrent
/// completions and log writes share store calls when the store asks for it, and a failing store is retried a few
/// times. Never throws: a write that cannot be made is logged, and the lease's expiry runs the job again.
/// </summary>
internal sealed class AttemptOutcomeWriter
{
    /// <summary>The longest error message stored with a failed attempt, in characters.</summary>
    internal const int MaxErrorMessageLength = 4 * 1024;

    /// <summary>The longest stack trace stored with a failed attempt, in characters, the truncation marker included.</summary>
    internal const int MaxStackTraceLength = 8 * 1024;

    private readonly IJobStorage _storage;
    private readonly RetryPolicy _retryPolicy;
    private readonly TimeProvider _time;
    private readonly JobQueueDiagnostics _diagnostics;
    private readonly JobChanges _changes;
    private readonly ILogger _logger;

    // Null unless the store wants concurrent completions to share round trips and commits.
    private readonly WriteCoalescer<JobCompletion, bool>? _completions;

    // Likewise for the log lines of attempts that end together: one store write carries many jobs' logs.
    private readonly WriteCoalescer<JobLogWrite, bool>? _logWrites;

    // The logger is the executor's, so outcome messages keep the log category users filter by.
    public AttemptOutcomeWriter(IJobStorage storage, RetryPolicy retryPolicy, JobQueueOptions options, TimeProvider time,
        JobQueueDiagnostics diagnostics, JobChanges changes, ILogger logger)
    {
        _storage = storage;
        _retryPolicy = retryPolicy;
        _time = time;
        _diagnostics = diagnostics;
        _changes = changes;
        _logger = logger;
        if (storage.Capabilities.CoalesceWrites)
        {
            _completions = new WriteCoalescer<JobCompletion, bool>(items => _storage.CompleteAsync(items, CancellationToken.None), options.FetchBatchSize);
            _logWrites = new WriteCoalescer<JobLogWrite, bool>(SaveLogsAsync, options.FetchBatchSize);
        }
    }

    /// <summary>Gives a job back without spending its attempt, due at <paramref name="runAt"/>; true if the store applied it.</summary>
    public ValueTask<bool> HandBackAsync(StoredJob job, DateTimeOffset runAt, DateTimeOffset now)
        => WriteAsync(job, new JobReschedule { Id = job.Id, LeaseToken = job.LeaseToken!.Value, RunAt = runAt, Now = now });

    /// <summary>Fails the job for good, whatever attempts it has left; counted and logged once the store applied it.</summary>
    public async ValueTask FailForGoodAsync(StoredJob job, Exception error, DateTimeOffset now)
    {
        var failure = new JobFailure { Id = job.Id, LeaseToken = job.LeaseToken!.Value, Error = ToJobError(error, job.Attempt, now), RetryAt = null, Now = now };
        if (await WriteAsync(job, failure).ConfigureAwait(false))
        {
            JobMetrics.Count(_diagnostics.Failed, job);
            _logger.JobFailed(job.Id, job.Name, job.Attempt, job.MaxAttempts, error);
        }
    }

    /// <summary>
    /// Writes how the attempt ended under its lease token: completes, retries, fails for good or gives back the job, and
    /// counts and logs it once the store applied it. Never throws (see <see cref="WriteAsync(StoredJob, object)"/>).
    /// </summary>
    public async ValueTask WriteAsync(StoredJob job, AttemptOutcome outcome, TimeSpan duration)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Guid token = job.LeaseToken!.Value;
        switch (outcome.Kind)
        {
            case AttemptOutcomeKind.Succeeded:
                var completion = new JobCompletion { Id = job.Id, LeaseToken = token, Result = outcome.Result, Now = now };
                if (await WriteAsync(job, completion).ConfigureAwait(false))
                {
                    JobMetrics.Count(_diagnostics.Succeeded, job);
                    _logger.JobSucceeded(job.Id, job.Name, duration);
                }

                break;

            case AttemptOutcomeKind.Snoozed:
                DateTimeOffset snoozeUntil = now + outcome.SnoozeDelay;
                if (await WriteAsync(job, new JobReschedule { Id = job.Id, LeaseToken = token, RunAt = snoozeUntil, Now = now }).ConfigureAwait(false))
                {
                    _logger.JobSnoozed(job.Id, job.Name, snoozeUntil);
                }

                break;

            case AttemptOutcomeKind.RateLimited:
                await HoldBackAsync(job, now + outcome.SnoozeDelay, now).ConfigureAwait(false);
                if (await WriteAsync(job, new JobReschedule { Id = job.Id, LeaseToken = token, RunAt = now + outcome.SnoozeDelay, Now = now }).ConfigureAwait(false))
                {
                    _logger.JobSnoozed(job.Id, job.Name, now + outcome.SnoozeDelay);
                }

                break;

            case AttemptOutcomeKind.Failed:
            case AttemptOutcomeKind.FailedPermanently:
                Exception error = outcome.Error!;
                bool retry = outcome.Kind == AttemptOutcomeKind.Failed && job.Attempt < job.MaxAttempts;
                DateTimeOffset? retryAt = retry ? now + _retryPolicy.DelayAfter(job.Attempt, job.RetryDelay) : null;
                var failure = new JobFailure { Id = job.Id, LeaseToken = token, Error = ToJobError(error, job.Attempt, now), RetryAt = retryAt, Now = now };
                if (await WriteAsync(job, failure).ConfigureAwait(false))
                {
                    if (retryAt is { } at)
                    {
                        JobMetrics.Count(_diagnostics.Retried, job);
                        _logger.RetryScheduled(job.Id, job.Name, job.Attempt, at, error);
                    }
                    else
                    {
                        JobMetrics.Count(_diagnostics.Failed, job);
                        _logger.JobFailed(job.Id, job.Name, job.Attempt, job.MaxAttempts, error);
                    }
                }

                break;

            case AttemptOutcomeKind.ShutDown:
                if (await WriteAsync(job, new JobReschedule { Id = job.Id, LeaseToken = token, RunAt = now, Now = now }).ConfigureAwait(false))
                {
                    _logger.JobGivenBack(job.Id, job.Name);
                }

                break;

            case AttemptOutcomeKind.Stopped:
                _logger.JobCancelled(job.Id, job.Name);
                break;
        }
    }

    /// <summary>
    /// Holds back the job's limit key (or, without one, its job type) on every host: written before the job is given back,
    /// so no other job of the scope starts in between. A failed write holds back only this job (its reschedule still
    /// follows): the outside service will refuse the others, which then hold back in turn.
    /// </summary>
    private async ValueTask HoldBackAsync(StoredJob job, DateTimeOffset until, DateTimeOffset now)
    {
        string scope = job.LimitKey is string key ? FlowScope.Key(key) : FlowScope.Name(job.Name);
        try
        {
            await _storage.HoldAsync(new HoldRequest { Holds = [new FlowHold { Scope = scope, Until = until }], Now = now }, CancellationToken.None)
                .ConfigureAwait(false);
            _logger.JobRateLimited(job.Id, job.Name, scope, until);
        }
#pragma warning disable CA1031 // A failed hold must not lose the job's own reschedule.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.HoldFailed(job.Id, job.Name, scope, ex);
        }
    }

    /// <summary>
    /// Writes an outcome (a <see cref="JobCompletion"/>, <see cref="JobFailure"/> or <see cref="JobReschedule"/>),
    /// retrying a failing store a few times. If the store stays unreachable the outcome is dropped: the lease then
    /// expires and the job runs again (at-least-once), which is all a store outage allows.
    /// </summary>
    private async ValueTask<bool> WriteAsync(StoredJob job, object write)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(100);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                IReadOnlyList<bool> applied = await SendAsync(write).ConfigureAwait(false);
                _changes.Changed(job.Id);
                if (!applied[0])
                {
                    _logger.OutcomeRefused(job.Id, job.Attempt);
                }

                return applied[0];
            }
#pragma warning disable CA1031 // A store fault is retried, then logged; it never escapes into the worker loop.
            catch (Exception ex) when (attempt < 6)
#pragma warning restore CA1031
            {
                _logger.OutcomeWriteRetrying(job.Id, job.Attempt, delay, ex);
                await Task.Delay(delay, _time).ConfigureAwait(false);
                delay *= 2;
            }
#pragma warning disable CA1031
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.OutcomeWriteFailed(job.Id, job.Attempt, ex);
                return false;
            }
        }
    }

    /// <summary>
    /// Writes the attempt's log lines, if it logged any, in one store write before its outcome (so a watcher that sees
    /// the outcome finds the log). A failure is logged and the log lost: it never costs the job its outcome.
    /// </summary>
    public async ValueTask SaveLogAsync(StoredJob job, JobLogBuffer log)
    {
        if (log.Snapshot() is not { } snapshot)
        {
            return;
        }

        var write = new JobLogWrite { Id = job.Id, Attempt = job.Attempt, Text = JobLogText.Write(snapshot.Lines), DroppedLines = snapshot.Dropped };
        try
        {
            if (_logWrites is not null)
            {
                await _logWrites.WriteAsync(write, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await _storage.SaveJobLogsAsync([write], CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A store fault loses the log lines, never the outcome.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.JobLogWriteFailed(job.Id, job.Attempt, ex);
        }
    }

    private async ValueTask<IReadOnlyList<bool>> SaveLogsAsync(IReadOnlyList<JobLogWrite> logs)
    {
        await _storage.SaveJobLogsAsync(logs, CancellationToken.None).ConfigureAwait(false);
        return new bool[logs.Count];
    }

    private ValueTask<IReadOnlyList<bool>> SendAsync(object write) => write switch
    {
        JobCompletion completion when _completions is not null => CoalescedCompleteAsync(completion),
        JobCompletion completion => _storage.CompleteAsync([completion], CancellationToken.None),
        JobFailure failure => _storage.FailAsync([failure], CancellationToken.None),
        JobReschedule reschedule => _storage.RescheduleAsync([reschedule], CancellationToken.None),
        _ => throw new UnreachableException($"No store write for a {write.GetType().Name}."),
    };

    private async ValueTask<IReadOnlyList<bool>> CoalescedCompleteAsync(JobCompletion completion)
        => [await _completions!.WriteAsync(completion, CancellationToken.None).ConfigureAwait(false)];
    /// <summary>
    /// The error stored with a failed attempt: its type in full, its message bounded to
    /// <see cref="MaxErrorMessageLength"/> and its full text (message, stack trace, inner exceptions) bounded to
    /// <see cref="MaxStackTraceLength"/>, both marked where cut. Unbounded, one recursive or chatty exception would
    /// store megabytes per attempt, read again by every status call and dashboard page.
    /// </summary>
    internal static JobError ToJobError(Exception error, int attempt, DateTimeOffset at) => new()
    {
        Type = error.GetType().FullName ?? error.GetType().Name,
        Message = Truncate(Describe(error, static e => e.Message), MaxErrorMessageLength),
        StackTrace = Truncate(Describe(error, static e => e.ToString()), MaxStackTraceLength),
        Attempt = attempt,
        At = at,
    };

    /// <summary>Reads an exception's text; an exception type whose Message or ToString throws must not fail the outcome write.</summary>
    private static string Describe(Exception error, Func<Exception, string> read)
    {
        try
        {
            return read(error);
        }
#pragma warning disable CA1031 // A faulty exception type still gets its attempt recorded.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"({error.GetType().Name} could not describe itself: {ex.GetType().Name})";
        }
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="max"/> characters, marking the cut with the original length.</summary>
    internal static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        // Room for the marker, whose numbers have at most 10 digits each.
        int keep = max - 64;

        // Never split a surrogate pair: half of one is not valid UTF-16, and some stores reject it.
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return $"{text.AsSpan(0, keep)}\n... [truncated: {keep} of {text.Length} characters kept]";
    }
}
