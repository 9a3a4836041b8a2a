using System.Text;
using JobQueue.Client;
using JobQueue.Registration;
using JobQueue.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Testing;

public sealed partial class JobQueueTestHarness
{
    // Names the harness on the leases it takes, where a host would put its machine and process.
    private const string WorkerId = "JobQueue.Testing";

    // Jobs promoted per store call; the loop goes on while a call fills it.
    private const int PromoteStep = 1000;
    /// <summary>
    /// Runs every job that is due now, one attempt at a time, until none is left: children enqueued by jobs, released batch
    /// callbacks and, with <see cref="JobQueueTestingOptions.FollowRetries"/> (the default), the retries of the jobs it ran.
    /// </summary>
    /// <remarks>
    /// <para>Retries follow the engine's own backoff: to run one, the harness moves the clock to its run time. Time passes as
    /// it would for a host that waited: jobs and recurring occurrences that fall due on the way run too, in order. So a job
    /// that fails twice and then succeeds ends Succeeded, its attempts recorded at their real retry times. Delayed and
    /// scheduled jobs that no retry reaches stay waiting: move the clock with <see cref="AdvanceTimeAsync"/>.</para>
    /// <para>A job that fails for good makes the call throw, after everything else ran, unless
    /// <paramref name="allowFailures"/> is true (the test of a failure path then reads the report or the job).</para>
    /// </remarks>
    /// <param name="allowFailures">Whether jobs that fail for good are expected; otherwise they fail the call.</param>
    /// <param name="cancellationToken">Stops between attempts.</param>
    /// <returns>What ran.</returns>
    /// <exception cref="JobQueueTestException">A job failed for good (and <paramref name="allowFailures"/> is false), an attempt did not
    /// end within <see cref="JobQueueTestingOptions.AttemptTimeout"/>, more than <see cref="JobQueueTestingOptions.MaxAttempts"/>
    /// attempts were made, or a due job has no handler registered.</exception>
    public async ValueTask<JobRunReport> RunJobsAsync(bool allowFailures = false, CancellationToken cancellationToken = default)
    {
        var run = new RunLog(Clock.GetUtcNow());
        await RunToAsync(Clock.GetUtcNow(), run, cancellationToken).ConfigureAwait(false);
        while (_testing.FollowRetries && await NextRetryAsync(run, cancellationToken).ConfigureAwait(false) is { } retryAt)
        {
            await RunToAsync(retryAt, run, cancellationToken).ConfigureAwait(false);
        }

        return Finish(run, allowFailures);
    }

    /// <summary>
    /// Moves the clock forward by <paramref name="by"/>, stopping at every time something falls due on the way (a delayed or
    /// scheduled job, a retry, a recurring occurrence) to run what is due then, as a running host would.
    /// </summary>
    /// <remarks>The clock never passes the target: a retry due after it stays scheduled.</remarks>
    /// <param name="by">How far, zero or more.</param>
    /// <param name="allowFailures">Whether jobs that fail for good are expected; otherwise they fail the call.</param>
    /// <param name="cancellationToken">Stops between attempts.</param>
    /// <returns>What ran.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative.</exception>
    /// <exception cref="JobQueueTestException">As for <see cref="RunJobsAsync"/>.</exception>
    public ValueTask<JobRunReport> AdvanceTimeAsync(TimeSpan by, bool allowFailures = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        return AdvanceTimeToAsync(Clock.GetUtcNow() + by, allowFailures, cancellationToken);
    }

    /// <summary>
    /// Moves the clock forward to <paramref name="time"/>, stopping at every time something falls due on the way, to run what
    /// is due then (see <see cref="AdvanceTimeAsync"/>).
    /// </summary>
    /// <param name="time">Now or later.</param>
    /// <param name="allowFailures">Whether jobs that fail for good are expected; otherwise they fail the call.</param>
    /// <param name="cancellationToken">Stops between attempts.</param>
    /// <returns>What ran.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before the clock's time: a clock does not go back.</exception>
    /// <exception cref="JobQueueTestException">As for <see cref="RunJobsAsync"/>.</exception>
    public async ValueTask<JobRunReport> AdvanceTimeToAsync(DateTimeOffset time, bool allowFailures = false, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = Clock.GetUtcNow();
        if (time < now)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time,
                $"AdvanceTimeToAsync({JobDescriptions.Time(time)}) is before the clock's time {JobDescriptions.Time(now)}; time only moves forward.");
        }

        var run = new RunLog(now);
        await RunToAsync(time, run, cancellationToken).ConfigureAwait(false);
        return Finish(run, allowFailures);
    }

    /// <summary>
    /// Runs what is due now, then steps the clock to each next due time up to <paramref name="target"/>, running what is due
    /// at each step; ends with the clock at the target.
    /// </summary>
    private async Task RunToAsync(DateTimeOffset target, RunLog run, CancellationToken cancellationToken)
    {
        while (true)
        {
            DateTimeOffset? recurringDue = await RunDueAsync(run, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = Clock.GetUtcNow();
            // A schedule due now that cannot run (no handler, a bad cron) reports itself due; only later times are steps.
            DateTimeOffset? later = recurringDue > now ? recurringDue : null;
            DateTimeOffset? next = Earliest(later, await NextScheduledAsync(run: null, cancellationToken).ConfigureAwait(false));
            if (next is not { } step || step > target)
            {
                break;
            }

            Clock.SetUtcNow(step);
        }

        if (target > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(target);
            await RunDueAsync(run, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// At the clock's time: enqueues due recurring occurrences, promotes due scheduled jobs, and runs ready jobs one at a
    /// time, every queue in turn, until a round finds none. Returns when the next recurring occurrence is due, if any.
    /// </summary>
    private async Task<DateTimeOffset?> RunDueAsync(RunLog run, CancellationToken cancellationToken)
    {
        DateTimeOffset? recurringDue;
        bool ranAny;
        do
        {
            DateTimeOffset now = Clock.GetUtcNow();
            recurringDue = await _recurring.Value.RunPassAsync(cancellationToken).ConfigureAwait(false);
            while (await _storage.PromoteDueJobsAsync(new PromoteRequest { Now = now, Limit = PromoteStep }, cancellationToken).ConfigureAwait(false) == PromoteStep)
            {
            }

            ranAny = false;
            foreach (string queue in _plan.Queues.Keys)
            {
                cancellationToken.ThrowIfCancellationRequested();
                IReadOnlyList<StoredJob> leased = await _storage.FetchAsync(
                    new FetchRequest
                    {
                        Queue = queue,
                        Limit = 1,
                        Now = now,
                        LeaseToken = Guid.NewGuid(),
                        LeaseExpiresAt = now + _options.LeaseDuration,
                        WorkerId = WorkerId,
                        Limits = _plan.Limits.GetValueOrDefault(queue),
                    },
                    cancellationToken).ConfigureAwait(false);
                foreach (StoredJob job in leased)
                {
                    await ExecuteAsync(job, run, cancellationToken).ConfigureAwait(false);
                    ranAny = true;
                }
            }
        }
        while (ranAny);

        return recurringDue;
    }

    /// <summary>Runs one leased attempt through the engine's executor and records how it ended.</summary>
    private async Task ExecuteAsync(StoredJob job, RunLog run, CancellationToken cancellationToken)
    {
        if (run.Attempts.Count >= _testing.MaxAttempts)
        {
            await HandBackAsync(job).ConfigureAwait(false);
            throw new JobQueueTestException(
                $"the harness stopped after {_testing.MaxAttempts} attempts (JobQueueTestingOptions.MaxAttempts) with jobs still due, " +
                $"such as {job.Name}: do jobs enqueue each other without end? {Describe(run)}");
        }

        if (job.Unreadable is null && !Services.GetRequiredService<JobRegistry>().TryGet(job.Name, out _))
        {
            // A host would hand it back for an hour, waiting for a host that knows it; in a test it is a missing AddJob.
            await HandBackAsync(job).ConfigureAwait(false);
            throw new JobQueueTestException(
                $"job {job.Id} ({job.Name}, queue {job.Queue}) is due but no handler is registered for '{job.Name}': call q.AddJob<YourJob>() for it.");
        }

        DateTimeOffset startedAt = Clock.GetUtcNow();
        int errorsBefore = job.Errors.Count;
        Task execution = _executor.ExecuteAsync(job, CancellationToken.None);
        try
        {
            await execution.WaitAsync(_testing.AttemptTimeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new JobQueueTestException(
                $"job {job.Id} ({job.Name} {Encoding.UTF8.GetString(job.Arguments)}) attempt {job.Attempt} did not end within " +
                $"{_testing.AttemptTimeout} of real time (JobQueueTestingOptions.AttemptTimeout). A handler that waits on the fake clock " +
                "(Task.Delay with a TimeProvider, a timer, a timeout) waits until the test moves the clock, which it cannot do while it " +
                $"awaits this run; a handler that waits on something the test never signals waits forever. {Describe(run)}");
        }

        StoredJob after = (await _storage.GetJobsAsync([job.Id], cancellationToken).ConfigureAwait(false))[0] ?? job;
        JobError? error = after.Errors.Count > errorsBefore ? after.Errors[^1] : null;
        run.Attempts.Add(new JobAttemptRecord(JobInfoMapper.ToInfo(after), job.Attempt, startedAt, error));
        run.Ran.Add(job.Id);
    }

    /// <summary>Gives a leased job back untouched (its attempt not spent), due when it was.</summary>
    private async Task HandBackAsync(StoredJob job)
        => await _storage.RescheduleAsync([new JobReschedule { Id = job.Id, LeaseToken = job.LeaseToken!.Value, RunAt = job.RunAt, Now = Clock.GetUtcNow() }],
            CancellationToken.None).ConfigureAwait(false);

    /// <summary>The earliest run time of a scheduled job (of those in <paramref name="run"/>, if given) that is after now.</summary>
    private async Task<DateTimeOffset?> NextScheduledAsync(RunLog? run, CancellationToken cancellationToken)
    {
        DateTimeOffset now = Clock.GetUtcNow();
        DateTimeOffset? earliest = null;
        string? after = null;
        do
        {
            StoredJobPage page = await _storage.QueryJobsAsync(new JobQuery { State = JobState.Scheduled, After = after, Limit = 1000, CountLimit = 0 }, cancellationToken)
                .ConfigureAwait(false);
            foreach (StoredJob job in page.Jobs)
            {
                if (job.RunAt > now && (run is null || run.Ran.Contains(job.Id)))
                {
                    earliest = Earliest(earliest, job.RunAt);
                }
            }

            after = page.Next;
        }
        while (after is not null);

        return earliest;
    }

    /// <summary>When the next retry or snooze of a job this run ran is due, if any.</summary>
    private Task<DateTimeOffset?> NextRetryAsync(RunLog run, CancellationToken cancellationToken) => NextScheduledAsync(run, cancellationToken);

    private JobRunReport Finish(RunLog run, bool allowFailures)
    {
        var report = new JobRunReport(run.Attempts, run.StartedAt, Clock.GetUtcNow());
        if (!allowFailures && report.Failed > 0)
        {
            JobAttemptRecord first = run.Attempts.First(static a => a.State == JobState.Failed);
            throw new JobQueueTestException(
                $"{report.Failed} {(report.Failed == 1 ? "job" : "jobs")} failed for good while the harness ran them " +
                $"(pass allowFailures: true when the test expects it). {report}\n\nThe first failure, {first.Job.Name} attempt {first.Attempt}:\n" +
                (first.Error?.StackTrace ?? first.Job.Error?.StackTrace ?? "(no error recorded)"));
        }

        return report;
    }

    private string Describe(RunLog run) => "So far: " + new JobRunReport(run.Attempts, run.StartedAt, Clock.GetUtcNow());

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b)
        => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>The attempts of one call, and the jobs it ran (whose retries it follows).</summary>
    private sealed class RunLog(DateTimeOffset startedAt)
    {
        public DateTimeOffset StartedAt { get; } = startedAt;

        public List<JobAttemptRecord> Attempts { get; } = [];

        public HashSet<JobId> Ran { get; } = [];
    }
}
