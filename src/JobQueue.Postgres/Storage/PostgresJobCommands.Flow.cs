using JobQueue.Storage;
using Npgsql;
using NpgsqlTypes;

namespace JobQueue.Postgres.Storage;

// Flow control: fetches with limits, holds and flow state (see FetchLimits and PostgresSql.Flow).
internal sealed partial class PostgresJobCommands
{
    /// <summary>
    /// A fetch with limits. Must run inside a transaction (the caller's): the schema's flow lock is held from the
    /// candidate read to the commit of the leases and starts, so fetches with limits on every host decide one at a time.
    /// </summary>
    /// <summary>
    /// A fetch with limits: under the schema's flow lock, the candidates in pages, the decisions here, then the lease. In
    /// autocommit it runs its own transaction with BEGIN in its first round trip and COMMIT in its last (the lease's), so a
    /// fetch that leases costs two round trips; a failure rolls it back. In a caller's transaction it runs in that one.
    /// </summary>
    public async Task<IReadOnlyList<StoredJob>> FetchWithLimitsAsync(NpgsqlConnection connection, FetchRequest request, CancellationToken cancellationToken)
    {
        if (!_autocommit)
        {
            return await FetchWithLimitsCoreAsync(connection, request, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await FetchWithLimitsCoreAsync(connection, request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await RollbackQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Ends a failed fetch's own transaction before the connection goes back to the pool; a broken connection ends it anyway.</summary>
    private static async Task RollbackQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The fetch's own error is the one to report; the server rolls back a broken session itself.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task CommitAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_autocommit)
        {
            await using var commit = new NpgsqlCommand("COMMIT", connection);
            await commit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<StoredJob>> FetchWithLimitsCoreAsync(NpgsqlConnection connection, FetchRequest request, CancellationToken cancellationToken)
    {
        FetchLimits limits = request.Limits!;
        var names = new Dictionary<string, NameLimits>(StringComparer.Ordinal);
        foreach (NameLimits name in limits.Names)
        {
            names[name.Name] = name;
        }

        // Jobs over their key's concurrency limit do not count as skipped, so the fetch reads on past a busy key's backlog
        // in pages, as far as needed; most fetches are decided by their first page.
        int firstPage = (int)Math.Min(int.MaxValue, Math.Max(2L * request.Limit, 8));
        List<Candidate> candidates;
        var counts = new FlowCounts();
        await using (var batch = new NpgsqlBatch(connection))
        {
            if (_autocommit)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.CommitWithoutWaitingForDisk));
            }

            var lockFlow = new NpgsqlBatchCommand(PostgresSql.LockFlow);
            lockFlow.Parameters.Add(new NpgsqlParameter<long>("flow_lock", Sql.FlowLock()));
            batch.BatchCommands.Add(lockFlow);

            var lockQueue = new NpgsqlBatchCommand(PostgresSql.LockQueueForFetch);
            lockQueue.Parameters.Add(new NpgsqlParameter<long>("pause_lock", Sql.PausedQueueLock(request.Queue)));
            batch.BatchCommands.Add(lockQueue);

            var read = new NpgsqlBatchCommand(Sql.FlowCandidates);
            AddCandidatesParameters(read.Parameters, request, firstPage, after: null);
            batch.BatchCommands.Add(read);

            // In the same round trip: the queue's running count (the candidates carry their keys' counts).
            var queueCount = new NpgsqlBatchCommand(Sql.RunningInQueue);
            queueCount.Parameters.Add(Text("queue", request.Queue));
            batch.BatchCommands.Add(queueCount);
            await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            // Past the results of the statements before the candidates; BEGIN, returning no rows, has none.
            for (int i = _autocommit ? 3 : 2; i < batch.BatchCommands.Count; i++)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            candidates = await ReadCandidatesAsync(reader, cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            counts.RunningInQueue = (int)reader.GetInt64(0);
        }

        if (candidates.Count == 0 || request.Limit <= 0)
        {
            await CommitAsync(connection, cancellationToken).ConfigureAwait(false);
            return [];
        }

        // Rate windows cost a round trip of their own; a fetch whose limits have no rate needs none.
        bool rated = limits.QueueRate is not null || limits.RatePerKey is not null || names.Values.Any(n => n.Rate is not null || n.RatePerKey is not null);
        counts.SetRunning(candidates);
        if (rated)
        {
            await ReadFlowCountsAsync(connection, request, limits, names, candidates, counts, cancellationToken).ConfigureAwait(false);
        }

        var chosen = new List<Guid>();
        var startIds = new List<Guid>();
        var startScopes = new List<string>();
        int skipped = 0;
        int pageSize = firstPage;
        while (!Decide(candidates) && candidates.Count == pageSize)
        {
            // Under the flow lock no other fetch with limits leases meanwhile; pages grow, so a long backlog costs few trips.
            pageSize = (int)Math.Min(4096, 2L * pageSize);
            await using (var more = new NpgsqlCommand(Sql.FlowCandidatesAfter, connection))
            {
                AddCandidatesParameters(more.Parameters, request, pageSize, after: candidates[^1]);
                await using NpgsqlDataReader reader = await more.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                candidates = await ReadCandidatesAsync(reader, cancellationToken).ConfigureAwait(false);
            }

            counts.SetRunning(candidates);
            if (rated)
            {
                await ReadFlowCountsAsync(connection, request, limits, names, candidates, counts, cancellationToken).ConfigureAwait(false);
            }
        }

        // Whether the fetch is decided (its limit reached, MaxSkipped skipped, the queue's own limits out of room).
        bool Decide(List<Candidate> page)
        {
            foreach ((Guid id, string name, string? key, bool held, _, _, _, _) in page)
            {
                if (chosen.Count >= request.Limit
                    || (limits.QueueConcurrency is { } queueConcurrency && counts.RunningInQueue >= queueConcurrency)
                    || (limits.QueueRate is { } queueRate && !counts.HasRoom(FlowScope.Queue(request.Queue), queueRate)))
                {
                    // The queue's own limits have no room left: no later job could start either.
                    return true;
                }

                names.TryGetValue(name, out NameLimits? nameLimits);
                int? concurrencyPerKey = key is null ? null : nameLimits?.ConcurrencyPerKey ?? limits.ConcurrencyPerKey;
                RateLimit? ratePerKey = key is null ? null : nameLimits?.RatePerKey ?? limits.RatePerKey;
                if (!held && concurrencyPerKey is { } perKey && counts.RunningWith(key!) >= perKey)
                {
                    // Over its key's concurrency limit: passed over without counting as skipped (FetchLimits.MaxSkipped).
                    continue;
                }

                if (held
                    || (nameLimits?.Rate is { } nameRate && !counts.HasRoom(FlowScope.Name(name), nameRate))
                    || (ratePerKey is { } keyRate && !counts.HasRoom(FlowScope.Key(key!), keyRate)))
                {
                    // Skipped, and left as it is: later jobs are still examined, so one busy key never holds back others.
                    if (++skipped >= limits.MaxSkipped)
                    {
                        return true;
                    }

                    continue;
                }

                chosen.Add(id);
                counts.RunningInQueue++;
                if (key is not null)
                {
                    counts.Lease(key);
                }

                // One start per rate scope that applied to the job, and only those.
                foreach (string scope in AppliedRateScopes(request.Queue, name, key, limits.QueueRate, nameLimits?.Rate, ratePerKey))
                {
                    counts.Start(scope);
                    startIds.Add(id);
                    startScopes.Add(scope);
                }
            }

            return chosen.Count >= request.Limit;
        }

        if (chosen.Count == 0)
        {
            await CommitAsync(connection, cancellationToken).ConfigureAwait(false);
            return [];
        }

        await using var leaseBatch = new NpgsqlBatch(connection);
        var lease = new NpgsqlBatchCommand(Sql.LeaseWithStarts);
        leaseBatch.BatchCommands.Add(lease);
        lease.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. chosen]));
        lease.Parameters.Add(Time("now", request.Now));
        lease.Parameters.Add(Uuid("lease_token", request.LeaseToken));
        lease.Parameters.Add(Time("lease_expires_at", request.LeaseExpiresAt));
        lease.Parameters.Add(Text("worker_id", request.WorkerId));
        lease.Parameters.Add(new NpgsqlParameter<Guid[]>("start_ids", [.. startIds]));
        lease.Parameters.Add(new NpgsqlParameter<string[]>("start_scopes", [.. startScopes]));

        // Starts older than the longest period this fetch applied to a scope no longer count for it.
        KeyValuePair<string, TimeSpan>[] prune = [.. counts.LongestPeriods.Where(p => startScopes.Contains(p.Key))];
        lease.Parameters.Add(new NpgsqlParameter<string[]>("prune_scopes", [.. prune.Select(p => p.Key)]));
        lease.Parameters.Add(TimeArray("prune_befores", prune.Select(p => request.Now - p.Value)));
        if (_autocommit)
        {
            // The commit rides with the lease: its error, if any, surfaces when the reader moves past the lease's rows.
            leaseBatch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }

        var leased = new List<(StoredJob Job, long Sequence)>(chosen.Count);
        await using (NpgsqlDataReader reader = await leaseBatch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                StoredJob job = JobReader.Read(reader, out long sequence);
                leased.Add((job, sequence));
            }

            // Past the lease's rows to the commit's result: a failed commit throws here, and then nothing was leased.
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }

        return [.. leased.OrderByDescending(l => l.Job.Priority).ThenBy(l => l.Job.RunAt).ThenBy(l => l.Sequence).Select(l => l.Job)];
    }

    public async Task<bool> HoldAsync(NpgsqlConnection connection, HoldRequest request, CancellationToken cancellationToken)
    {
        // One batch: one transaction without an explicit one.
        await using var batch = new NpgsqlBatch(connection);
        var prune = new NpgsqlBatchCommand(Sql.PruneHolds);
        prune.Parameters.Add(Time("now", request.Now));
        batch.BatchCommands.Add(prune);
        if (request.Holds.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand(Sql.UpsertHolds);
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("scopes", [.. request.Holds.Select(h => h.Scope)]));
            upsert.Parameters.Add(TimeArray("untils", request.Holds.Select(h => h.Until)));
            batch.BatchCommands.Add(upsert);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<FlowState> GetFlowStateAsync(NpgsqlConnection connection, FlowStateRequest request, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var state = new NpgsqlBatchCommand(Sql.FlowState);
        state.Parameters.Add(Text("queue", request.Queue));
        state.Parameters.Add(Text("limit_key", request.LimitKey));
        state.Parameters.Add(Time("now", request.Now));
        state.Parameters.Add(Text("name_scope", FlowScope.Name(request.Name)));
        state.Parameters.Add(Text("key_scope", request.LimitKey is null ? null : FlowScope.Key(request.LimitKey)));
        batch.BatchCommands.Add(state);

        IReadOnlyList<RateScopeQuery> rates = request.Rates;
        var room = new NpgsqlBatchCommand(Sql.RateRoom);
        room.Parameters.Add(new NpgsqlParameter<string[]>("scopes", [.. rates.Select(r => r.Scope)]));
        room.Parameters.Add(TimeArray("sinces", rates.Select(r => request.Now - r.Limit.Period)));
        room.Parameters.Add(new NpgsqlParameter<int[]>("caps", [.. rates.Select(r => r.Limit.Starts)]));
        batch.BatchCommands.Add(room);

        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        bool paused = reader.GetBoolean(0);
        int runningInQueue = (int)reader.GetInt64(1);
        int runningWithKey = request.LimitKey is null ? 0 : (int)reader.GetInt64(2);
        DateTimeOffset? heldUntil = reader.IsDBNull(3) ? null : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc));

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var roomAt = new DateTimeOffset?[rates.Count];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            int index = (int)reader.GetInt64(0) - 1;
            if (!reader.IsDBNull(1))
            {
                roomAt[index] = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)) + rates[index].Limit.Period;
            }
        }

        return new FlowState
        {
            QueuePaused = paused,
            RunningInQueue = runningInQueue,
            RunningWithKey = runningWithKey,
            HeldUntil = heldUntil,
            RateRoomAt = roomAt,
        };
    }

    // after: the last job of the previous page, or null for the first page.
    private static void AddCandidatesParameters(NpgsqlParameterCollection parameters, FetchRequest request, int limit, Candidate? after)
    {
        parameters.Add(Text("queue", request.Queue));
        parameters.Add(Time("now", request.Now));
        parameters.Add(new NpgsqlParameter<int>("limit", limit));

        // The database passes over jobs whose key is full under every per-key limit of the fetch (PostgresSql.KeyFull).
        FetchLimits limits = request.Limits!;
        string[] keyedNames = [.. limits.Names.Where(n => n.ConcurrencyPerKey is not null).Select(n => n.Name)];
        int? fullAt = limits.Names.Select(n => n.ConcurrencyPerKey).Append(limits.ConcurrencyPerKey).Max();
        parameters.Add(new NpgsqlParameter("full_at", NpgsqlDbType.Integer) { Value = fullAt is int full ? full : DBNull.Value });
        parameters.Add(new NpgsqlParameter<bool>("queue_keyed", limits.ConcurrencyPerKey is not null));
        parameters.Add(new NpgsqlParameter<string[]>("keyed_names", keyedNames));
        if (after is { } last)
        {
            parameters.Add(new NpgsqlParameter<int>("priority", last.Priority));
            parameters.Add(new NpgsqlParameter<DateTime>("run_at", last.RunAt) { NpgsqlDbType = NpgsqlDbType.TimestampTz });
            parameters.Add(new NpgsqlParameter<long>("seq", last.Sequence));
        }
    }

    private static async Task<List<Candidate>> ReadCandidatesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var candidates = new List<Candidate>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            candidates.Add(new Candidate(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetBoolean(3),
                reader.GetInt32(4), DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc), reader.GetInt64(6), (int)reader.GetInt64(7)));
        }

        return candidates;
    }

    /// <summary>The rate scopes of a job's limits, in the order queue, name, key.</summary>
    private static IEnumerable<string> AppliedRateScopes(string queue, string name, string? key, RateLimit? queueRate, RateLimit? nameRate, RateLimit? keyRate)
    {
        if (queueRate is not null)
        {
            yield return FlowScope.Queue(queue);
        }

        if (nameRate is not null)
        {
            yield return FlowScope.Name(name);
        }

        if (keyRate is not null && key is not null)
        {
            yield return FlowScope.Key(key);
        }
    }

    /// <summary>
    /// Reads the rate windows (and, again, the keys' running counts) that the candidates' limits need, in one round trip;
    /// counts known already (from the page itself or an earlier page, with this fetch's leases and starts in them) are kept.
    /// </summary>
    private async Task ReadFlowCountsAsync(NpgsqlConnection connection, FetchRequest request, FetchLimits limits,
        Dictionary<string, NameLimits> names, List<Candidate> candidates, FlowCounts counts,
        CancellationToken cancellationToken)
    {
        // Every (scope, limit) that a candidate may be measured against.
        var rates = new List<(string Scope, RateLimit Limit)>();
        if (limits.QueueRate is { } queueRate)
        {
            rates.Add((FlowScope.Queue(request.Queue), queueRate));
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach ((_, string name, string? key, _, _, _, _, _) in candidates)
        {
            names.TryGetValue(name, out NameLimits? nameLimits);
            if (nameLimits?.Rate is { } nameRate)
            {
                rates.Add((FlowScope.Name(name), nameRate));
            }

            if (key is not null)
            {
                keys.Add(key);
                if ((nameLimits?.RatePerKey ?? limits.RatePerKey) is { } keyRate)
                {
                    rates.Add((FlowScope.Key(key), keyRate));
                }
            }
        }

        (string Scope, RateLimit Limit)[] distinct = [.. rates.Distinct()];
        await using var batch = new NpgsqlBatch(connection);
        var keyCounts = new NpgsqlBatchCommand(Sql.RunningWithKeys);
        keyCounts.Parameters.Add(new NpgsqlParameter<string[]>("keys", [.. keys]));
        batch.BatchCommands.Add(keyCounts);

        var starts = new NpgsqlBatchCommand(Sql.StartsInScopes);
        starts.Parameters.Add(new NpgsqlParameter<string[]>("scopes", [.. distinct.Select(r => r.Scope)]));
        starts.Parameters.Add(TimeArray("sinces", distinct.Select(r => request.Now - r.Limit.Period)));
        starts.Parameters.Add(new NpgsqlParameter<int[]>("caps", [.. distinct.Select(r => r.Limit.Starts)]));
        batch.BatchCommands.Add(starts);

        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts.SetRunning(reader.GetString(0), (int)reader.GetInt64(1));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            (string scope, RateLimit limit) = distinct[(int)reader.GetInt64(0) - 1];
            counts.SetStarts(scope, limit, (int)reader.GetInt64(1));
        }
    }

    /// <summary>One Enqueued job a fetch with limits examines.</summary>
    private readonly record struct Candidate(Guid Id, string Name, string? Key, bool Held, int Priority, DateTime RunAt, long Sequence, int RunningWithKey);

    /// <summary>The counts a fetch with limits decides by, including the jobs it leased so far.</summary>
    private sealed class FlowCounts
    {
        private readonly Dictionary<string, int> _runningWithKey = new(StringComparer.Ordinal);

        // Per scope, per limit measured on it: starts within the limit's window. A start counts in every window of its scope.
        private readonly Dictionary<string, Dictionary<RateLimit, int>> _starts = new(StringComparer.Ordinal);

        // Per scope, the starts this fetch recorded so far.
        private readonly Dictionary<string, int> _recorded = new(StringComparer.Ordinal);

        public int RunningInQueue { get; set; }

        /// <summary>Per scope, the longest period of a limit measured on it.</summary>
        public IEnumerable<KeyValuePair<string, TimeSpan>> LongestPeriods =>
            _starts.Select(s => KeyValuePair.Create(s.Key, s.Value.Keys.Max(l => l.Period)));

        public int RunningWith(string key) => _runningWithKey.GetValueOrDefault(key);

        public void SetRunning(string key, int running) => _runningWithKey.TryAdd(key, running);

        /// <summary>The keys' running counts that came with a page of candidates; counts known already are kept.</summary>
        public void SetRunning(List<Candidate> page)
        {
            foreach (Candidate candidate in page)
            {
                if (candidate.Key is not null)
                {
                    SetRunning(candidate.Key, candidate.RunningWithKey);
                }
            }
        }

        public void Lease(string key) => _runningWithKey[key] = RunningWith(key) + 1;

        /// <summary>A window read from the store, which holds none of this fetch's starts yet: they are added.</summary>
        public void SetStarts(string scope, RateLimit limit, int starts)
        {
            if (!_starts.TryGetValue(scope, out Dictionary<RateLimit, int>? windows))
            {
                windows = [];
                _starts.Add(scope, windows);
            }

            windows.TryAdd(limit, starts + _recorded.GetValueOrDefault(scope));
        }

        public bool HasRoom(string scope, RateLimit limit) =>
            !_starts.TryGetValue(scope, out Dictionary<RateLimit, int>? windows) || windows.GetValueOrDefault(limit) < limit.Starts;

        public void Start(string scope)
        {
            _recorded[scope] = _recorded.GetValueOrDefault(scope) + 1;
            if (_starts.TryGetValue(scope, out Dictionary<RateLimit, int>? windows))
            {
                foreach (RateLimit limit in windows.Keys.ToList())
                {
                    windows[limit]++;
                }
            }
        }
    }
}
