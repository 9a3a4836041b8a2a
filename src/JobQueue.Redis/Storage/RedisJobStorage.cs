using System.Collections.Concurrent;
using JobQueue.Redis.Notifications;
using JobQueue.Redis.Scripts;
using JobQueue.Signals;
using JobQueue.Statistics;
using JobQueue.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

/// <summary>
/// The Redis store, on StackExchange.Redis. Every state change is one Lua script (see <see cref="RedisScripts"/>),
/// so it is atomic on the server; wake-ups and finish signals travel over pub/sub.
/// </summary>
/// <remarks>
/// StackExchange.Redis commands take no cancellation token, so a token is checked before a command is sent and
/// never abandons one in flight: a fetch whose reply nobody read would leave its jobs leased until their leases
/// expire. Every command is bounded by the connection's timeout (asyncTimeout) instead.
/// </remarks>
internal sealed partial class RedisJobStorage : IJobStorage, IAsyncDisposable
{
    private static readonly StorageCapabilities s_capabilities = new()
    {
        WakeUpSignal = true,
        FinishSignal = true,
        ChangeSignal = true,

        // Each write is a round trip: concurrent writers share one script call.
        CoalesceWrites = true,
    };

    private readonly RedisConnection _connection;
    private readonly ILogger _logger;
    private readonly string _prefix;
    private readonly RedisKey[] _keys;
    private readonly RedisNotifications _notifications;
    private readonly WorkSignals _work = new(wakeWaitersInline: true);
    private readonly FinishWaiters _finishWaiters = new();
    private IDatabase? _database;

    // Whether this store has run RedisScripts.Migrate; see MigrateAsync.
    private volatile bool _migrated;

    // Per queue, the subscription epoch in which its backlog was last checked; see WaitForWorkAsync.
    private readonly ConcurrentDictionary<string, long> _checkedEpochs = new(StringComparer.Ordinal);

    public RedisJobStorage(RedisConnection connection, RedisStorageOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ValidatePrefix(options.KeyPrefix);
        _connection = connection;
        _logger = logger ?? NullLogger.Instance;
        _prefix = "{" + options.KeyPrefix + "}:";

        // The one declared key routes every script to the prefix's cluster slot; see RedisScripts.
        _keys = [_prefix + "jobs"];
        _notifications = new RedisNotifications(connection, _prefix + "work", _prefix + "done", _prefix + "changed",
            OnWork, OnDone, OnChanged, OnSubscribed, _logger);
    }

    public StorageCapabilities Capabilities => s_capabilities;

    /// <summary>The key prefix with its hash tag, such as "{jobqueue}:".</summary>
    internal string Prefix => _prefix;

    internal RedisConnection Connection => _connection;

    public async ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(EnqueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Jobs);
        if (request.Jobs.Count == 0 && request.Batch is null)
        {
            return [];
        }

        // The whole request is one script call, so it is one round trip however many jobs it holds, and
        // all or nothing: the script validates every job before it writes any.
        var jobs = new List<(string Kind, NewJob Job)>(request.Jobs.Count + 2);
        bool plain = request.Batch is null;
        for (int i = 0; i < request.Jobs.Count; i++)
        {
            NewJob job = request.Jobs[i] ?? throw new ArgumentException($"EnqueueRequest.Jobs[{i}] is null.", nameof(request));
            jobs.Add(("c", job));
            plain &= job.IdempotencyKey is null && job.BatchId is null;
        }

        if (request.Batch?.SuccessCallback is NewJob success)
        {
            jobs.Add(("s", success with { BatchId = request.Batch.Id }));
        }

        if (request.Batch?.FailureCallback is NewJob failure)
        {
            jobs.Add(("f", failure with { BatchId = request.Batch.Id }));
        }

        RedisValue[] args = EnqueueArguments.Build(_prefix, request, jobs);
        RedisResult reply = await EvalAsync(plain ? RedisScripts.EnqueuePlain : RedisScripts.Enqueue, args, cancellationToken).ConfigureAwait(false);
        RedisResult[] items = (RedisResult[])reply!;
        var results = new EnqueueResult[request.Jobs.Count];
        for (int i = 0; i < results.Length; i++)
        {
            // 1 created, 0 an idempotency key's holder returned, 2 that holder replaced (a debounce).
            long outcome = (long)items[(i * 2) + 1];
            results[i] = new EnqueueResult { Id = JobId.Parse((string)items[i * 2]!), Created = outcome == 1, Replaced = outcome == 2 };
        }

        return results;
    }

    public async ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Limit, 1, nameof(request));
        RedisResult reply;
        if (request.Limits is { } limits)
        {
            reply = await EvalAsync(RedisScripts.FetchLimited, FetchLimitedArguments(request, limits), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            RedisValue[] args = new RedisArguments(7)
                .Add(_prefix)
                .Add(request.Queue)
                .Add(request.Limit)
                .AddTicks(request.Now)
                .Add(request.LeaseToken)
                .AddTicks(request.LeaseExpiresAt)
                .Add(request.WorkerId)
                .ToArray();
            reply = await EvalAsync(RedisScripts.Fetch, args, cancellationToken).ConfigureAwait(false);
        }

        RedisResult[] items = (RedisResult[])reply!;
        if (items.Length == 0)
        {
            return [];
        }

        var jobs = new List<StoredJob>(items.Length);
        List<(string Id, StoredJob Job)>? unnamed = null;
        for (int i = 0; i < items.Length; i++)
        {
            StoredJob job = RedisJobReader.ReadJob(items[i], out bool hasId, request)!;
            if (hasId)
            {
                jobs.Add(job);
            }
            else
            {
                (unnamed ??= []).Add(((string)((RedisResult[])items[i]!)[0]!, job));
            }
        }

        if (unnamed is not null)
        {
            await FailUnnamedAsync(unnamed, request).ConfigureAwait(false);
        }

        return jobs;
    }

    /// <summary>
    /// Fails for good the jobs a fetch just leased whose id is not a job id: nothing could name them later, so neither
    /// the engine nor a rescue could end them. Written by their raw id, under the fetch's lease, with the error the
    /// engine records for a job it cannot read (<see cref="UnreadableJobException"/>).
    /// </summary>
    /// <remarks>
    /// A second script, not part of the fetch's: the fetch would otherwise have to tell ids apart in Lua on every
    /// job it leases. If this write fails, the leases expire and a rescue returns the jobs to the queue, where the
    /// next fetch tries again; the other jobs of the fetch are returned either way.
    /// </remarks>
    private async Task FailUnnamedAsync(List<(string Id, StoredJob Job)> unnamed, FetchRequest request)
    {
        var args = new RedisArguments(1 + (unnamed.Count * 8), unnamed.Count * 256);
        args.Add(_prefix);
        foreach ((string id, StoredJob job) in unnamed)
        {
            var error = new JobError
            {
                Type = typeof(UnreadableJobException).FullName!,
                Message = $"The stored job could not be read, not even its id, so the store failed it when it was fetched, without running it: {job.Unreadable}",
                Attempt = job.Attempt,
                At = request.Now,
            };
            args.Add(id).Add(request.LeaseToken).Add(RedisJobReader.WriteError(error)).Add("0")
                .AddTicks(request.Now).AddScore(request.Now).AddTicks(request.Now).AddScore(request.Now);
        }

        try
        {
            await RunPerItemAsync(RedisScripts.Fail, unnamed.Count, args, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The fetch's other jobs are leased already: they are returned whatever happens here.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            RedisLog.UnnamedJobsNotFailed(_logger, unnamed.Count, ex);
        }
    }

    public ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        var args = new RedisArguments(1 + (leases.Count * 3), leases.Count * 80);
        args.Add(_prefix);
        foreach (LeaseExtension lease in leases)
        {
            args.Add(lease.Id.Value).Add(lease.LeaseToken).AddTicks(lease.ExpiresAt);
        }

        return RunPerItemAsync(RedisScripts.Extend, leases.Count, args, cancellationToken);
    }

    public ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        var args = new RedisArguments(1 + (completions.Count * 6), completions.Count * 96);
        args.Add(_prefix);
        foreach (JobCompletion completion in completions)
        {
            args.Add(completion.Id.Value)
                .Add(completion.LeaseToken)
                .Add(completion.Result is null ? "0" : "1")
                .Add(completion.Result ?? [])
                .AddTicks(completion.Now)
                .AddScore(completion.Now);
        }

        return RunPerItemAsync(RedisScripts.Complete, completions.Count, args, cancellationToken);
    }

    public ValueTask<IReadOnlyList<bool>> FailAsync(IReadOnlyList<JobFailure> failures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var args = new RedisArguments(1 + (failures.Count * 8), failures.Count * 112);
        args.Add(_prefix);
        foreach (JobFailure failure in failures)
        {
            DateTimeOffset retryAt = failure.RetryAt ?? failure.Now;
            args.Add(failure.Id.Value)
                .Add(failure.LeaseToken)
                .Add(RedisJobReader.WriteError(failure.Error))
                .Add(failure.RetryAt is null ? "0" : "1")
                .AddTicks(retryAt)
                .AddScore(retryAt)
                .AddTicks(failure.Now)
                .AddScore(failure.Now);
        }

        return RunPerItemAsync(RedisScripts.Fail, failures.Count, args, cancellationToken);
    }

    public ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reschedules);
        var args = new RedisArguments(1 + (reschedules.Count * 5), reschedules.Count * 112);
        args.Add(_prefix);
        foreach (JobReschedule reschedule in reschedules)
        {
            args.Add(reschedule.Id.Value)
                .Add(reschedule.LeaseToken)
                .AddTicks(reschedule.RunAt)
                .AddScore(reschedule.RunAt)
                .AddTicks(reschedule.Now);
        }

        return RunPerItemAsync(RedisScripts.Reschedule, reschedules.Count, args, cancellationToken);
    }

    public ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var args = new RedisArguments(1 + (reports.Count * 5), reports.Count * 72);
        args.Add(_prefix);
        foreach (ProgressReport report in reports)
        {
            ArgumentNullException.ThrowIfNull(report.Progress, nameof(reports));
            args.Add(report.Id.Value)
                .Add(report.LeaseToken)
                .Add(RedisValues.Percent(report.Progress.Percent))
                .Add(report.Progress.Message is null ? "0" : "1")
                .Add(report.Progress.Message ?? string.Empty);
        }

        return RunPerItemAsync(RedisScripts.Progress, reports.Count, args, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        RedisValue[] args = new RedisArguments(6)
            .Add(_prefix)
            .AddTicks(request.Now)
            .AddScore(request.Now)
            .Add(request.Limit)
            .Add(request.ErrorType)
            .Add(request.ErrorMessage)
            .ToArray();
        RedisResult reply = await EvalAsync(RedisScripts.Rescue, args, cancellationToken).ConfigureAwait(false);
        // A damaged id is rescued all the same, but cannot be reported: a JobId it is not.
        var rescued = new List<JobId>();
        foreach (RedisResult item in (RedisResult[])reply!)
        {
            if (RedisJobReader.TryParseId((string)item!, out JobId id))
            {
                rescued.Add(id);
            }
        }

        return rescued;
    }

    public async ValueTask<int> PromoteDueJobsAsync(PromoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        RedisValue[] args = new RedisArguments(4).Add(_prefix).AddTicks(request.Now).AddScore(request.Now).Add(request.Limit).ToArray();
        RedisResult reply = await EvalAsync(RedisScripts.Promote, args, cancellationToken).ConfigureAwait(false);
        return checked((int)(long)reply);
    }

    public async ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(CancelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<JobId> ids = request.Ids ?? throw new ArgumentException("CancelRequest.Ids is null.", nameof(request));
        DateTimeOffset now = request.Now;
        if (ids.Count == 0)
        {
            return [];
        }

        var args = new RedisArguments(3 + ids.Count, ids.Count * 36);
        args.Add(_prefix).AddTicks(now).AddScore(now);
        foreach (JobId id in ids)
        {
            args.Add(id.Value);
        }

        RedisResult reply = await EvalAsync(RedisScripts.Cancel, args.ToArray(), cancellationToken).ConfigureAwait(false);
        return [.. ((RedisResult[])reply!).Select(static item => (CancelOutcome)(long)item)];
    }

    public async ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        var args = new RedisArguments(1 + ids.Count, ids.Count * 36);
        args.Add(_prefix);
        foreach (JobId id in ids)
        {
            args.Add(id.Value);
        }

        RedisResult reply = await EvalAsync(RedisScripts.Get, args.ToArray(), cancellationToken).ConfigureAwait(false);
        return [.. ((RedisResult[])reply!).Select(RedisJobReader.ReadJob)];
    }

    public async ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken)
    {
        HashEntry[] hash = await CommandAsync(database => database.HashGetAllAsync(_prefix + "batch:" + id), cancellationToken).ConfigureAwait(false);
        return RedisJobReader.ReadBatch(id, hash);
    }

    public async ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken)
    {
        RedisResult reply = await EvalAsync(RedisScripts.Statistics, [_prefix], cancellationToken).ConfigureAwait(false);
        RedisResult[] items = (RedisResult[])reply!;
        var statistics = new QueueStatisticsBuilder();
        Span<long> perState = stackalloc long[7];
        for (int i = 0; i + 7 < items.Length; i += 8)
        {
            // The script answers a queue's name, then its counts of states 0 to 6.
            for (int state = 0; state < perState.Length; state++)
            {
                perState[state] = (long)items[i + 1 + state];
            }

            statistics.Add((string)items[i]!, perState);
        }

        return statistics.Build();
    }

    public async ValueTask<IReadOnlyList<ReadyQueue>> GetReadyQueuesAsync(CancellationToken cancellationToken)
    {
        RedisResult reply = await EvalAsync(RedisScripts.ReadyQueues, [_prefix], cancellationToken).ConfigureAwait(false);
        RedisResult[] items = (RedisResult[])reply!;
        var ready = new List<ReadyQueue>(items.Length / 3);
        for (int i = 0; i + 2 < items.Length; i += 3)
        {
            ready.Add(new ReadyQueue
            {
                Queue = (string)items[i]!,
                Count = (long)items[i + 1],
                OldestRunAt = RedisValues.ParseTime(((ReadOnlyMemory<byte>)(RedisValue)items[i + 2]).Span),
            });
        }

        ready.Sort(static (a, b) => string.CompareOrdinal(a.Queue, b.Queue));
        return ready;
    }

    public async ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        RedisValue[] args = new RedisArguments(4)
            .Add(_prefix)
            .AddTicks(request.FinishedBefore)
            .AddScore(request.FinishedBefore)
            .Add(request.Limit)
            .ToArray();
        RedisResult reply = await EvalAsync(RedisScripts.Prune, args, cancellationToken).ConfigureAwait(false);
        return checked((int)(long)reply);
    }

    public async ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);

        // Known before the subscription completes, so the wake-up of a new subscription reaches this queue.
        _work.Track(queue);

        await SubscribeAsync(cancellationToken).ConfigureAwait(false);

        // Enqueues before the subscription (or during a reconnect) published to nobody. The first wait of
        // each subscription epoch therefore looks at the queue itself: ready work completes it at once.
        long epoch = _notifications.Epoch;
        if (_checkedEpochs.GetValueOrDefault(queue, -1) != epoch)
        {
            _checkedEpochs[queue] = epoch;
            string ready = _prefix + "ready:" + queue;
            if (await CommandAsync(database => database.SortedSetLengthAsync(ready), cancellationToken).ConfigureAwait(false) > 0)
            {
                return;
            }
        }

        await _work.WaitAsync(queue, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken)
    {
        await SubscribeAsync(cancellationToken).ConfigureAwait(false);

        // Registered before the state is read: a finish published after the read completes the waiter.
        using FinishWaiters.Registration registration = _finishWaiters.Register(id);
        RedisValue state = await CommandAsync(database => database.HashGetAsync(_prefix + "job:" + id, "s"), cancellationToken).ConfigureAwait(false);
        // A state that is none (a damaged hash) is shown as Failed, so it is final here too: nothing will finish it.
        if (state.IsNull || !state.TryParse(out int number) || (JobState)number is not (JobState.Scheduled or JobState.Enqueued or JobState.Running or JobState.Awaiting))
        {
            return;
        }

        await registration.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _notifications.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Why <paramref name="prefix"/> cannot be a key prefix, in a sentence that starts with <paramref name="name"/>; null if it can.</summary>
    internal static string? PrefixProblem(string? prefix, string name)
        => string.IsNullOrWhiteSpace(prefix) || prefix.AsSpan().IndexOfAny("{}") >= 0
            ? $"{name} is '{prefix}'; it must be non-empty and contain no '{{' or '}}' (the store wraps it in a hash tag itself)."
            : null;

    internal static void ValidatePrefix(string? prefix)
    {
        if (PrefixProblem(prefix, $"{nameof(RedisStorageOptions)}.{nameof(RedisStorageOptions.KeyPrefix)}") is { } problem)
        {
            throw new ArgumentException(problem, nameof(prefix));
        }
    }

    /// <summary>Runs one of the store's scripts, loading it into the server first when the server does not know it.</summary>
    /// <remarks>One async method on the hot path: every call of the store runs through it.</remarks>
    internal async Task<RedisResult> EvalAsync(RedisScript script, RedisValue[] args, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IDatabase database = Volatile.Read(ref _database) ?? await ConnectAsync().ConfigureAwait(false);
        RefuseIfNeverReached();
        if (!_migrated)
        {
            await MigrateAsync(database).ConfigureAwait(false);
        }

        try
        {
            // By hash: the text (up to ~10 KB) goes over the wire only when the server does not know the script.
            return await database.ScriptEvaluateAsync(script.Hash, _keys, args).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Kind == RedisErrorKind.NoScript)
        {
            // First use on this server, or after a restart, SCRIPT FLUSH or failover: the client's own script
            // support loads the text (SCRIPT LOAD) and runs it by hash from then on.
            RedisLog.ScriptLoaded(_logger, script.Name);
            try
            {
                return await database.ScriptEvaluateAsync(script.Text, _keys, args).ConfigureAwait(false);
            }
            catch (Exception error) when (Translate(error) is Exception translated)
            {
                throw translated;
            }
        }
        catch (Exception error) when (Translate(error) is Exception translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// The first script call of this store brings data of an earlier version to the current layout first
    /// (<see cref="RedisScripts.Migrate"/>). Concurrent first calls may each run it: it is idempotent, and every
    /// script reads only what both layouts keep, so a call that overtakes the migration still sees correct data.
    /// </summary>
    private async Task MigrateAsync(IDatabase database)
    {
        try
        {
            await database.ScriptEvaluateAsync(RedisScripts.Migrate.Text, _keys, [_prefix]).ConfigureAwait(false);
        }
        catch (Exception error) when (Translate(error) is Exception translated)
        {
            throw translated;
        }

        _migrated = true;
    }

    /// <summary>
    /// What a caller should see instead of <paramref name="error"/>, or null to let it pass as the client raised it:
    /// the scripts' refusals become <see cref="InvalidOperationException"/>, and a command that could not be sent
    /// because TLS failed says why, with the fix, instead of only that no connection was available.
    /// </summary>
    private Exception? Translate(Exception error)
    {
        switch (error)
        {
            case RedisServerException server when server.Message.StartsWith("JQ_", StringComparison.Ordinal):
                // The scripts refuse a request with a code and a sentence; the sentence is for the caller.
                string message = server.Message;
                int space = message.IndexOf(' ', StringComparison.Ordinal);
                return new InvalidOperationException(space > 0 ? message[(space + 1)..] : message, server);
            case RedisConnectionException connection when _connection.TlsFailure is string failure:
                return new RedisConnectionException(ConnectionFailureType.AuthenticationFailure, connection.Flags, $"{failure} ({connection.Message})", connection, connection.CommandStatus);
            case RedisTimeoutException timeout when _connection.TlsFailure is string failure:
                return new RedisConnectionException(ConnectionFailureType.AuthenticationFailure, timeout.Flags, $"{failure} ({timeout.Message})", timeout, timeout.Commandstatus);
            default:
                return null;
        }
    }

    /// <summary>A plain command of the store (not a script), with the same translation of errors.</summary>
    private async Task<T> CommandAsync<T>(Func<IDatabase, Task<T>> command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IDatabase database = Volatile.Read(ref _database) ?? await ConnectAsync().ConfigureAwait(false);
        RefuseIfNeverReached();
        try
        {
            return await command(database).ConfigureAwait(false);
        }
        catch (Exception error) when (Translate(error) is Exception translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// A store that has never reached Redis (it was down when the application started) refuses a command at once,
    /// saying why, instead of leaving it in the client's backlog until the command timeout: a web request that
    /// enqueues gets its answer now. The command was not sent, so it did not run.
    /// </summary>
    private void RefuseIfNeverReached()
    {
        if (_connection.NeverReached is string why)
        {
            throw _connection.NeverReachedError(why);
        }
    }

    /// <summary>The store's subscription, with the same translation of errors: often the first thing an idle worker does.</summary>
    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _database) is null)
        {
            await ConnectAsync().ConfigureAwait(false);
        }

        RefuseIfNeverReached();
        try
        {
            await _notifications.EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (Translate(error) is Exception translated)
        {
            throw translated;
        }
    }

    private async Task<IDatabase> ConnectAsync()
    {
        IConnectionMultiplexer multiplexer = await _connection.GetAsync().ConfigureAwait(false);
        IDatabase database = multiplexer.GetDatabase();
        Volatile.Write(ref _database, database);
        return database;
    }

    private async ValueTask<IReadOnlyList<bool>> RunPerItemAsync(RedisScript script, int count, RedisArguments args, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return [];
        }

        RedisResult reply = await EvalAsync(script, args.ToArray(), cancellationToken).ConfigureAwait(false);
        RedisResult[] items = (RedisResult[])reply!;
        var results = new bool[items.Length];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = (long)items[i] == 1;
        }

        return results;
    }

    private void OnWork(RedisValue queue) => _work.Set((string)queue!);

    private void OnDone(RedisValue ids)
    {
        // One message per script names every job it finished, separated by commas (see RedisScripts); it is
        // decoded only when someone waits.
        if (_finishWaiters.AnyWaiting)
        {
            _finishWaiters.Finished((string)ids!);
        }

        // A finish is a change too.
        OnChanged(ids);
    }

    private void OnSubscribed()
    {
        // Messages published while unsubscribed are gone: wake everyone, each re-checks (spurious wake-ups are allowed).
        _work.SetAll();
        _finishWaiters.All();
        _changeWaiters.All();
    }
}
