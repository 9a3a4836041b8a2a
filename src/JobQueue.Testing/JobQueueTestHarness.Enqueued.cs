using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using JobQueue.Client;
using JobQueue.Storage;

namespace JobQueue.Testing;

public sealed partial class JobQueueTestHarness
{
    /// <summary>
    /// Every job in the store in any state, oldest enqueued first: what the application enqueued, what ran and how it
    /// ended, batch callbacks included.
    /// </summary>
    /// <param name="state">Only jobs in this state; null for all.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public async ValueTask<IReadOnlyList<JobInfo>> GetJobsAsync(JobState? state = null, CancellationToken cancellationToken = default)
    {
        var jobs = new List<JobInfo>();
        string? after = null;
        do
        {
            StoredJobPage page = await _storage.QueryJobsAsync(new JobQuery { State = state, After = after, Limit = 1000, CountLimit = 0 }, cancellationToken)
                .ConfigureAwait(false);
            jobs.AddRange(page.Jobs.Select(static job => JobInfoMapper.ToInfo(job)));
            after = page.Next;
        }
        while (after is not null);

        // Pages come newest first; a test reads a story, oldest first.
        jobs.Reverse();
        return jobs;
    }

    /// <summary>
    /// The jobs of arguments type <typeparamref name="TArgs"/> that wait to run (<see cref="JobState.Enqueued"/> or
    /// <see cref="JobState.Scheduled"/>) and match every filter given, oldest enqueued first.
    /// </summary>
    /// <param name="predicate">Only jobs whose arguments match.</param>
    /// <param name="queue">Only jobs of this queue.</param>
    /// <param name="runAt">Only jobs due at exactly this time.</param>
    /// <param name="batchId">Only children and callbacks of this batch.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public async ValueTask<IReadOnlyList<EnqueuedJob<TArgs>>> GetEnqueuedAsync<TArgs>(Func<TArgs, bool>? predicate = null, string? queue = null,
        DateTimeOffset? runAt = null, BatchId? batchId = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<JobInfo> waiting = await GetWaitingAsync(cancellationToken).ConfigureAwait(false);
        return Match(waiting, predicate, queue, runAt, batchId);
    }

    /// <summary>
    /// Asserts that exactly one job of arguments type <typeparamref name="TArgs"/> that matches every filter waits to run
    /// (<see cref="JobState.Enqueued"/> or <see cref="JobState.Scheduled"/>), and returns it.
    /// </summary>
    /// <param name="predicate">Only jobs whose arguments match, such as <c>e =&gt; e.Email == "a@b.c"</c>.</param>
    /// <param name="queue">Only jobs of this queue.</param>
    /// <param name="runAt">Only jobs due at exactly this time.</param>
    /// <param name="batchId">Only children and callbacks of this batch.</param>
    /// <param name="predicateText">Filled in by the compiler with the predicate's source text, for the message.</param>
    /// <returns>The job.</returns>
    /// <exception cref="JobQueueTestException">None or several matched; the message lists every waiting job.</exception>
    public async ValueTask<EnqueuedJob<TArgs>> AssertEnqueuedAsync<TArgs>(Func<TArgs, bool>? predicate = null, string? queue = null,
        DateTimeOffset? runAt = null, BatchId? batchId = null, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
    {
        IReadOnlyList<JobInfo> all = await GetJobsAsync(state: null, CancellationToken.None).ConfigureAwait(false);
        IReadOnlyList<JobInfo> waiting = Waiting(all);
        IReadOnlyList<EnqueuedJob<TArgs>> matched = Match(waiting, predicate, queue, runAt, batchId);
        if (matched.Count != 1)
        {
            throw new JobQueueTestException(
                $"expected one {Expectation<TArgs>(predicateText, queue, runAt, batchId)}; found {matched.Count}; enqueued: {JobDescriptions.List(waiting)}{NotWaiting<TArgs>(all)}");
        }

        return matched[0];
    }

    /// <summary>
    /// Asserts that exactly <paramref name="expected"/> jobs of arguments type <typeparamref name="TArgs"/> that match every
    /// filter wait to run, and returns them.
    /// </summary>
    /// <param name="expected">How many, zero or more.</param>
    /// <param name="predicate">Only jobs whose arguments match.</param>
    /// <param name="queue">Only jobs of this queue.</param>
    /// <param name="runAt">Only jobs due at exactly this time.</param>
    /// <param name="batchId">Only children and callbacks of this batch.</param>
    /// <param name="predicateText">Filled in by the compiler with the predicate's source text, for the message.</param>
    /// <exception cref="JobQueueTestException">Another number matched; the message lists every waiting job.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expected"/> is negative.</exception>
    public async ValueTask<IReadOnlyList<EnqueuedJob<TArgs>>> AssertEnqueuedCountAsync<TArgs>(int expected, Func<TArgs, bool>? predicate = null,
        string? queue = null, DateTimeOffset? runAt = null, BatchId? batchId = null,
        [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expected);
        IReadOnlyList<JobInfo> all = await GetJobsAsync(state: null, CancellationToken.None).ConfigureAwait(false);
        IReadOnlyList<JobInfo> waiting = Waiting(all);
        IReadOnlyList<EnqueuedJob<TArgs>> matched = Match(waiting, predicate, queue, runAt, batchId);
        if (matched.Count != expected)
        {
            throw new JobQueueTestException(
                $"expected {expected} {Expectation<TArgs>(predicateText, queue, runAt, batchId)}; found {matched.Count}; enqueued: {JobDescriptions.List(waiting)}{NotWaiting<TArgs>(all)}");
        }

        return matched;
    }

    /// <summary>Asserts that no job of arguments type <typeparamref name="TArgs"/> that matches every filter waits to run.</summary>
    /// <param name="predicate">Only jobs whose arguments match.</param>
    /// <param name="queue">Only jobs of this queue.</param>
    /// <param name="runAt">Only jobs due at exactly this time.</param>
    /// <param name="batchId">Only children and callbacks of this batch.</param>
    /// <param name="predicateText">Filled in by the compiler with the predicate's source text, for the message.</param>
    /// <exception cref="JobQueueTestException">One or more matched; the message lists them.</exception>
    public async ValueTask AssertNotEnqueuedAsync<TArgs>(Func<TArgs, bool>? predicate = null, string? queue = null,
        DateTimeOffset? runAt = null, BatchId? batchId = null, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
    {
        IReadOnlyList<JobInfo> waiting = await GetWaitingAsync(CancellationToken.None).ConfigureAwait(false);
        IReadOnlyList<EnqueuedJob<TArgs>> matched = Match(waiting, predicate, queue, runAt, batchId);
        if (matched.Count != 0)
        {
            throw new JobQueueTestException(
                $"expected no {Expectation<TArgs>(predicateText, queue, runAt, batchId)}; found {JobDescriptions.List([.. matched.Select(static m => m.Info)])}");
        }
    }

    /// <summary>Reads a batch's progress (total, succeeded, failed, pending and state); null when it does not exist.</summary>
    public ValueTask<BatchInfo?> GetBatchAsync(BatchId id, CancellationToken cancellationToken = default) => Jobs.GetBatchAsync(id, cancellationToken);

    private async ValueTask<IReadOnlyList<JobInfo>> GetWaitingAsync(CancellationToken cancellationToken)
        => Waiting(await GetJobsAsync(state: null, cancellationToken).ConfigureAwait(false));

    private static List<JobInfo> Waiting(IReadOnlyList<JobInfo> jobs) => [.. jobs.Where(static j => j.State is JobState.Enqueued or JobState.Scheduled)];

    /// <summary>
    /// The jobs of <typeparamref name="TArgs"/> that do not wait to run (they ran, run, or await their batch), as a last
    /// part of a failure message: the usual reason for "found 0" is that the job ran already.
    /// </summary>
    private static string NotWaiting<TArgs>(IReadOnlyList<JobInfo> all)
    {
        string name = NameOf<TArgs>();
        List<JobInfo> others = [.. all.Where(j => j.Name == name && j.State is not (JobState.Enqueued or JobState.Scheduled))];
        return others.Count == 0 ? "" : $"\nnot waiting to run (ran already, running, or awaiting a batch): {JobDescriptions.List(others)}";
    }

    private List<EnqueuedJob<TArgs>> Match<TArgs>(IReadOnlyList<JobInfo> jobs, Func<TArgs, bool>? predicate, string? queue, DateTimeOffset? runAt,
        BatchId? batchId)
    {
        string name = NameOf<TArgs>();
        var matched = new List<EnqueuedJob<TArgs>>();
        foreach (JobInfo job in jobs)
        {
            if (job.Name != name || (queue is not null && job.Queue != queue) || (runAt is { } at && job.RunAt != at)
                || (batchId is { } batch && job.BatchId != batch))
            {
                continue;
            }

            TArgs args = ReadArguments<TArgs>(job);
            if (predicate is null || predicate(args))
            {
                matched.Add(new EnqueuedJob<TArgs>(args, job));
            }
        }

        return matched;
    }

    private TArgs ReadArguments<TArgs>(JobInfo job)
    {
        try
        {
            return job.Arguments.Deserialize<TArgs>(_options.SerializerOptions)
                ?? throw new JsonException("The arguments are JSON null.");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new JobQueueTestException(
                $"job {job.Id} ({JobDescriptions.Describe(job)}) does not read as {typeof(TArgs).Name}: {ex.Message}", ex);
        }
    }

    /// <summary>For example: <c>SendWelcomeEmail where e =&gt; e.Email == "a@b.c" in queue "email"</c>.</summary>
    private static string Expectation<TArgs>(string? predicateText, string? queue, DateTimeOffset? runAt, BatchId? batchId)
    {
        var text = new StringBuilder(typeof(TArgs).Name);
        string name = NameOf<TArgs>();
        if (name != typeof(TArgs).FullName)
        {
            text.Append(" (").Append(name).Append(')');
        }

        if (predicateText is not null)
        {
            text.Append(" where ").Append(predicateText);
        }

        if (queue is not null)
        {
            text.Append(" in queue \"").Append(queue).Append('"');
        }

        if (runAt is { } at)
        {
            text.Append(" due at ").Append(JobDescriptions.Time(at));
        }

        if (batchId is { } batch)
        {
            text.Append(" in batch ").Append(batch);
        }

        return text.ToString();
    }
}
