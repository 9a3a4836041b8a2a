using JobQueue.Client;
using JobQueue.Storage;

namespace JobQueue.Testing;

public sealed partial class JobQueueTestHarness
{
    /// <summary>
    /// Enqueues one job and runs one attempt of it at once through the engine, whatever else is due: its handler gets a real
    /// <see cref="JobContext"/> (the job's id, attempt 1, its queue and batch, a token that fires at its timeout on the fake
    /// clock, progress, log lines and children kept in the store). Children and callbacks it enqueues are not run: assert
    /// them, or run them with <see cref="RunJobsAsync"/>.
    /// </summary>
    /// <typeparam name="TArgs">The arguments type of a registered job.</typeparam>
    /// <param name="args">The arguments.</param>
    /// <param name="options">Enqueue options (queue, priority, attempts, timeout); the job runs now, so no Delay or RunAt.</param>
    /// <param name="cancellationToken">Cancels the store calls, not the handler.</param>
    /// <returns>
    /// The job after the attempt: Succeeded with its <see cref="JobInfo.Result"/>, Scheduled for a retry with its
    /// <see cref="JobInfo.Error"/>, or Failed. A failed attempt does not throw: the test reads the error.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="options"/> delays the job.</exception>
    /// <exception cref="InvalidOperationException">No job is registered for <typeparamref name="TArgs"/>.</exception>
    /// <exception cref="JobQueueTestException">The attempt did not end within <see cref="JobQueueTestingOptions.AttemptTimeout"/>.</exception>
    public async ValueTask<JobInfo> RunJobAsync<TArgs>(TArgs args, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (options is { Delay: not null } or { RunAt: not null })
        {
            throw new ArgumentException("RunJobAsync runs the job now: leave out EnqueueOptions.Delay and RunAt (to test a delay, enqueue and AdvanceTimeAsync).",
                nameof(options));
        }

        JobId id = await Jobs.EnqueueAsync(args, options, cancellationToken).ConfigureAwait(false);
        StoredJob job = await LeaseAsync(id, cancellationToken).ConfigureAwait(false);
        var run = new RunLog(Clock.GetUtcNow());
        await ExecuteAsync(job, run, cancellationToken).ConfigureAwait(false);
        return run.Attempts[^1].Job;
    }

    /// <summary>
    /// Leases one Enqueued job: a fetch takes its queue's jobs in order, so jobs ahead of it are leased too and handed back
    /// untouched (due when they were, their attempt not spent).
    /// </summary>
    private async Task<StoredJob> LeaseAsync(JobId id, CancellationToken cancellationToken)
    {
        StoredJob stored = (await _storage.GetJobsAsync([id], cancellationToken).ConfigureAwait(false))[0]
            ?? throw new InvalidOperationException($"Job {id} was enqueued but is not in the store.");
        if (stored.State != JobState.Enqueued)
        {
            // An idempotency key held by another job, for example: the id is that job's, which may have run already.
            throw new InvalidOperationException(
                $"RunJobAsync enqueued {stored.Name} as job {id}, which is {stored.State}, not Enqueued (an idempotency key held by an earlier job?).");
        }

        DateTimeOffset now = Clock.GetUtcNow();
        var handBack = new List<StoredJob>();
        try
        {
            while (true)
            {
                IReadOnlyList<StoredJob> leased = await _storage.FetchAsync(
                    new FetchRequest
                    {
                        Queue = stored.Queue,
                        Limit = 1,
                        Now = now,
                        LeaseToken = Guid.NewGuid(),
                        LeaseExpiresAt = now + _options.LeaseDuration,
                        WorkerId = WorkerId,
                    },
                    cancellationToken).ConfigureAwait(false);
                if (leased.Count == 0)
                {
                    throw new InvalidOperationException($"Job {id} ({stored.Name}) could not be leased from queue {stored.Queue}: is the queue paused?");
                }

                if (leased[0].Id == id)
                {
                    return leased[0];
                }

                handBack.Add(leased[0]);
            }
        }
        finally
        {
            foreach (StoredJob other in handBack)
            {
                await HandBackAsync(other).ConfigureAwait(false);
            }
        }
    }
}
