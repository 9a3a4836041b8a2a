using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using JobQueue.Redis.Scripts;
using JobQueue.Signals;
using JobQueue.Storage;

namespace JobQueue.Redis.Resp;

/// <summary>
/// The Redis store. Every state change is one Lua script (see <see cref="RedisScripts"/>), so it is atomic on
/// the server; wake-ups and finish signals travel over pub/sub on a connection of their own.
/// </summary>
internal sealed class RespJobStorage : IJobStorage, IAsyncDisposable
{
    private static readonly StorageCapabilities s_capabilities = new()
    {
        WakeUpSignal = true,
        FinishSignal = true,
        SharedAcrossProcesses = true,

        // Each write is a round trip: concurrent writers share one script call.
        CoalesceWrites = true,
        TransactionalEnqueue = false,
    };

    private readonly RedisClient _client;
    private readonly bool _ownsClient;
    private readonly string _prefix;
    private readonly string[] _keys;
    private readonly string _workChannel;
    private readonly string _doneChannel;
    private readonly RespSubscriber _subscriber;
    // Raised by the subscriber's reader after its next read is registered (see RespConnection), so a woken worker
    // can go on to its fetch on that thread.
    private readonly WorkSignals _work = new(wakeWaitersInline: true);
    private readonly FinishWaiters _finishWaiters = new();

    // Whether this store has run RedisScripts.Migrate; see MigrateThenEvalAsync.
    private volatile bool _migrated;

    // Per queue, the subscriber epoch in which its backlog was last checked; see WaitForWorkAsync.
    private readonly ConcurrentDictionary<string, long> _checkedEpochs = new(StringComparer.Ordinal);

    public RespJobStorage(RedisClient client, RedisStorageOptions options, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ValidatePrefix(options.KeyPrefix);
        _client = client;
        _ownsClient = ownsClient;
        _prefix = "{" + options.KeyPrefix + "}:";
        _keys = [_prefix + "jobs"];
        _workChannel = _prefix + "work";
        _doneChannel = _prefix + "done";
        _subscriber = new RespSubscriber(client, [_workChannel, _doneChannel], OnMessage, OnSubscribed);
    }

    public StorageCapabilities Capabilities => s_capabilities;

    /// <summary>The key prefix with its hash tag, such as "{jobqueue}:".</summary>
    internal string Prefix => _prefix;

    internal RedisClient Client => _client;

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

        RespCommand args = RespEnqueueArguments.Build(Arguments(), request, jobs);
        RespValue reply;
        try
        {
            reply = await EvalAsync(plain ? RedisScripts.EnqueuePlain : RedisScripts.Enqueue, args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Code.StartsWith("JQ_", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(exception.ServerMessage[(exception.Code.Length + 1)..], exception);
        }

        IReadOnlyList<RespValue> items = reply.Items;
        var results = new EnqueueResult[request.Jobs.Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = new EnqueueResult(JobId.Parse(items[i * 2].AsString()!), items[(i * 2) + 1].AsInt64() == 1);
        }

        return results;
    }

    public async ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Limit, 1, nameof(request));
        RespCommand args = Arguments()
            .Add(request.Queue)
            .Add(request.Limit)
            .Add(RespValues.Ticks(request.Now))
            .Add(request.LeaseToken.ToString("D"))
            .Add(RespValues.Ticks(request.LeaseExpiresAt))
            .Add(RespValues.Score(request.LeaseExpiresAt))
            .Add(request.WorkerId);
        RespValue reply = await EvalAsync(RedisScripts.Fetch, args, cancellationToken).ConfigureAwait(false);
        return [.. reply.Items.Select(static item => RespJobReader.ReadJob(item)!)];
    }

    public ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        RespCommand args = Arguments();
        foreach (LeaseExtension lease in leases)
        {
            args.Add(lease.Id.Value).Add(lease.LeaseToken).AddTicks(lease.ExpiresAt).AddScore(lease.ExpiresAt);
        }

        return RunPerItemAsync(RedisScripts.Extend, leases.Count, args, cancellationToken);
    }

    public ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        RespCommand args = Arguments();
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
        RespCommand args = Arguments();
        foreach (JobFailure failure in failures)
        {
            DateTimeOffset retryAt = failure.RetryAt ?? failure.Now;
            args.Add(failure.Id.ToString())
                .Add(failure.LeaseToken.ToString("D"))
                .Add(RespJobReader.WriteError(failure.Error))
                .Add(failure.RetryAt is null ? "0" : "1")
                .Add(RespValues.Ticks(retryAt))
                .Add(RespValues.Score(retryAt))
                .Add(RespValues.Ticks(failure.Now))
                .Add(RespValues.Score(failure.Now));
        }

        return RunPerItemAsync(RedisScripts.Fail, failures.Count, args, cancellationToken);
    }

    public ValueTask<IReadOnlyList<bool>> RescheduleAsync(IReadOnlyList<JobReschedule> reschedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reschedules);
        RespCommand args = Arguments();
        foreach (JobReschedule reschedule in reschedules)
        {
            args.Add(reschedule.Id.ToString())
                .Add(reschedule.LeaseToken.ToString("D"))
                .Add(RespValues.Ticks(reschedule.RunAt))
                .Add(RespValues.Score(reschedule.RunAt))
                .Add(RespValues.Ticks(reschedule.Now));
        }

        return RunPerItemAsync(RedisScripts.Reschedule, reschedules.Count, args, cancellationToken);
    }

    public ValueTask<IReadOnlyList<bool>> ReportProgressAsync(IReadOnlyList<ProgressReport> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        RespCommand args = Arguments();
        foreach (ProgressReport report in reports)
        {
            ArgumentNullException.ThrowIfNull(report.Progress, nameof(reports));
            args.Add(report.Id.ToString())
                .Add(report.LeaseToken.ToString("D"))
                .Add(report.Progress.Percent.ToString("R", CultureInfo.InvariantCulture))
                .Add(report.Progress.Message is null ? "0" : "1")
                .Add(report.Progress.Message ?? string.Empty);
        }

        return RunPerItemAsync(RedisScripts.Progress, reports.Count, args, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<JobId>> RescueExpiredLeasesAsync(RescueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        RespCommand args = Arguments()
            .Add(RespValues.Ticks(request.Now))
            .Add(RespValues.Score(request.Now))
            .Add(request.Limit)
            .Add(request.ErrorType)
            .Add(request.ErrorMessage);
        RespValue reply = await EvalAsync(RedisScripts.Rescue, args, cancellationToken).ConfigureAwait(false);
        return [.. reply.Items.Select(static item => JobId.Parse(item.AsString()!))];
    }

    public async ValueTask<int> PromoteDueJobsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        RespCommand args = Arguments().Add(RespValues.Ticks(now)).Add(RespValues.Score(now)).Add(limit);
        RespValue reply = await EvalAsync(RedisScripts.Promote, args, cancellationToken).ConfigureAwait(false);
        return checked((int)reply.AsInt64());
    }

    public async ValueTask<IReadOnlyList<CancelOutcome>> CancelAsync(IReadOnlyList<JobId> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        RespCommand args = Arguments().Add(RespValues.Ticks(now)).Add(RespValues.Score(now));
        foreach (JobId id in ids)
        {
            args.Add(id.ToString());
        }

        RespValue reply = await EvalAsync(RedisScripts.Cancel, args, cancellationToken).ConfigureAwait(false);
        return [.. reply.Items.Select(static item => (CancelOutcome)item.AsInt64())];
    }

    public async ValueTask<IReadOnlyList<StoredJob?>> GetJobsAsync(IReadOnlyList<JobId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        RespCommand args = Arguments();
        foreach (JobId id in ids)
        {
            args.Add(id.ToString());
        }

        RespValue reply = await EvalAsync(RedisScripts.Get, args, cancellationToken).ConfigureAwait(false);
        return [.. reply.Items.Select(RespJobReader.ReadJob)];
    }

    public async ValueTask<IReadOnlyList<StoredJob>> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit, nameof(query));
        RespCommand args = Arguments()
            .Add(query.Queue ?? string.Empty)
            .Add(query.State is JobState state ? RespValues.Number((int)state) : string.Empty)
            .Add(query.BatchId?.ToString() ?? string.Empty)
            .Add(query.Offset)
            .Add(query.Limit);
        RespValue reply = await EvalAsync(RedisScripts.Query, args, cancellationToken).ConfigureAwait(false);
        return [.. reply.Items.Select(RespJobReader.ReadJob).OfType<StoredJob>()];
    }

    public async ValueTask<StoredBatch?> GetBatchAsync(BatchId id, CancellationToken cancellationToken)
    {
        RespValue reply = await _client.ExecuteAsync(new RespCommand("HGETALL").Add(_prefix + "batch:" + id), cancellationToken).ConfigureAwait(false);
        return RespJobReader.ReadBatch(id, reply);
    }

    public async ValueTask<IReadOnlyList<QueueStatistics>> GetQueueStatisticsAsync(CancellationToken cancellationToken)
    {
        RespValue reply = await EvalAsync(RedisScripts.Statistics, Arguments(), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RespValue> items = reply.Items;
        var statistics = new List<QueueStatistics>(items.Count / 8);
        for (int i = 0; i + 7 < items.Count; i += 8)
        {
            statistics.Add(new QueueStatistics
            {
                Queue = items[i].AsString()!,
                Scheduled = items[i + 1].AsInt64(),
                Enqueued = items[i + 2].AsInt64(),
                Running = items[i + 3].AsInt64(),
                Succeeded = items[i + 4].AsInt64(),
                Failed = items[i + 5].AsInt64(),
                Cancelled = items[i + 6].AsInt64(),
                Awaiting = items[i + 7].AsInt64(),
            });
        }

        statistics.Sort(static (a, b) => string.CompareOrdinal(a.Queue, b.Queue));
        return statistics;
    }

    public async ValueTask<int> PruneAsync(PruneRequest request, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        RespCommand args = Arguments()
            .Add(RespValues.Ticks(request.FinishedBefore))
            .Add(RespValues.Score(request.FinishedBefore))
            .Add(request.Limit);
        RespValue reply = await EvalAsync(RedisScripts.Prune, args, cancellationToken).ConfigureAwait(false);
        return checked((int)reply.AsInt64());
    }

    public async ValueTask WaitForWorkAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);

        // Known before the subscription completes, so the wake-up of a new subscription reaches this queue.
        _work.Track(queue);
        await _subscriber.WaitSubscribedAsync(cancellationToken).ConfigureAwait(false);

        // Enqueues before the subscription (or during a reconnect) published to nobody. The first wait of
        // each subscription epoch therefore looks at the queue itself: ready work completes it at once.
        long epoch = _subscriber.Epoch;
        if (_checkedEpochs.GetValueOrDefault(queue, -1) != epoch)
        {
            _checkedEpochs[queue] = epoch;
            RespValue ready = await _client.ExecuteAsync(new RespCommand("ZCARD").Add(_prefix + "ready:" + queue), cancellationToken).ConfigureAwait(false);
            if (ready.AsInt64() > 0)
            {
                return;
            }
        }

        await _work.WaitAsync(queue, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask WaitForFinishAsync(JobId id, CancellationToken cancellationToken)
    {
        await _subscriber.WaitSubscribedAsync(cancellationToken).ConfigureAwait(false);

        // Registered before the state is read: a finish published after the read completes the waiter.
        using FinishWaiters.Registration registration = _finishWaiters.Register(id);
        RespValue state = await _client.ExecuteAsync(new RespCommand("HGET").Add(_prefix + "job:" + id).Add("s"), cancellationToken).ConfigureAwait(false);
        if (state.IsNull || (JobState)state.AsInt64() is JobState.Succeeded or JobState.Failed or JobState.Cancelled)
        {
            return;
        }

        await registration.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _subscriber.DisposeAsync().ConfigureAwait(false);
        if (_ownsClient)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static void ValidatePrefix(string? prefix)
    {
        if (string.IsNullOrWhiteSpace(prefix) || prefix.AsSpan().IndexOfAny("{}") >= 0)
        {
            throw new ArgumentException(
                $"RedisStorageOptions.KeyPrefix is '{prefix}'; it must be non-empty and contain no '{{' or '}}' (the store wraps it in a hash tag itself).",
                nameof(prefix));
        }
    }

    private RespCommand Arguments() => new RespCommand().Add(_prefix);

    private Task<RespValue> EvalAsync(RedisScript script, RespCommand args, CancellationToken cancellationToken)
        => _migrated ? _client.EvalAsync(script, _keys, args, cancellationToken) : MigrateThenEvalAsync(script, args, cancellationToken);

    /// <summary>
    /// The first script call of this store brings data of an earlier version to the current layout first
    /// (<see cref="RedisScripts.Migrate"/>). Concurrent first calls may each run it: it is idempotent, and every
    /// script reads only what both layouts keep, so a call that overtakes the migration still sees correct data.
    /// </summary>
    private async Task<RespValue> MigrateThenEvalAsync(RedisScript script, RespCommand args, CancellationToken cancellationToken)
    {
        await _client.EvalAsync(RedisScripts.Migrate, _keys, Arguments(), cancellationToken).ConfigureAwait(false);
        _migrated = true;
        return await _client.EvalAsync(script, _keys, args, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IReadOnlyList<bool>> RunPerItemAsync(RedisScript script, int count, RespCommand args, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return [];
        }

        RespValue reply = await EvalAsync(script, args, cancellationToken).ConfigureAwait(false);
        return [.. reply.Items.Select(static item => item.AsInt64() == 1)];
    }

    private void OnMessage(string channel, byte[] payload)
    {
        if (channel == _workChannel)
        {
            _work.Set(Encoding.UTF8.GetString(payload));
        }
        else if (channel == _doneChannel)
        {
            // One message per script names every job it finished, separated by commas (see RedisScripts); it is
            // decoded only when someone waits.
            if (_finishWaiters.AnyWaiting)
            {
                _finishWaiters.Finished(Encoding.UTF8.GetString(payload));
            }
        }
    }

    private void OnSubscribed()
    {
        // Messages published while unsubscribed are gone: wake everyone, each re-checks (spurious wake-ups are allowed).
        _work.SetAll();
        _finishWaiters.All();
    }
}
