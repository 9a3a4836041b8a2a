namespace JobQueue.Postgres.Storage;

/// <summary>The statements of flow control (schema version 6): fetches with limits, rate starts, holds and flow state.</summary>
/// <remarks>
/// <para>Fetches with limits are serialized per schema by a transaction-level advisory lock (<see cref="FlowLock"/>), taken
/// before their candidates and counts are read: in READ COMMITTED each later statement of the transaction sees every
/// lease and start an earlier fetch committed, so two fetches never both take the last room of a limit. Plain fetches
/// (no limits) do not take it: they apply holds only.</para>
/// <para>Starts are rows of rate_starts (scope, started_at); a fetch deletes, bounded, the starts older than the longest
/// period it applied to each scope it recorded in.</para>
/// </remarks>
internal sealed partial class PostgresSql
{
    /// <summary>How many outdated starts one fetch deletes at most: the table stays about one window large.</summary>
    public const int StartsPrunedPerFetch = 1_000;

    private string? _flowCandidates;
    private string? _flowCandidatesAfter;
    private string? _runningInQueue;
    private string? _runningWithKeys;
    private string? _startsInScopes;
    private string? _leaseWithStarts;
    private string? _pruneHolds;
    private string? _upsertHolds;
    private string? _flowState;
    private string? _rateRoom;

    /// <summary>Takes the schema's flow lock for the transaction; parameter @flow_lock (<see cref="FlowLock"/>).</summary>
    public const string LockFlow = "SELECT pg_advisory_xact_lock(@flow_lock)";

    /// <summary>
    /// The first page of the Enqueued jobs a fetch with limits examines, in fetch order, with whether a live hold applies
    /// to each and their place in that order: @limit of them. Not locked: the lease re-checks each row's state.
    /// </summary>
    public string FlowCandidates => _flowCandidates ??= $"""
        SELECT c.id, c.name, c.limit_key, NOT {NotHeld(Schema, "c")}, c.priority, c.run_at, c.seq, {RunningWithKeyOf("c")}
        FROM {Schema}.jobs c
        WHERE c.state = 1 AND c.queue = @queue AND c.run_at <= @now AND NOT {KeyFull("c")}
            AND NOT EXISTS (SELECT 1 FROM {Schema}.paused_queues WHERE queue = @queue)
        ORDER BY c.priority DESC, c.run_at, c.seq
        LIMIT @limit
        """;

    /// <summary>
    /// The next page, after the place (@priority, @run_at, @seq) of the last job read. Two ranges of jobs_fetch_idx in its
    /// order (the rest of the priority, then the lower ones), so a page costs its own rows whatever was read before it.
    /// </summary>
    public string FlowCandidatesAfter => _flowCandidatesAfter ??= $"""
        SELECT * FROM (
            (SELECT c.id, c.name, c.limit_key, NOT {NotHeld(Schema, "c")} AS held, c.priority, c.run_at, c.seq, {RunningWithKeyOf("c")} AS running_with_key
             FROM {Schema}.jobs c
             WHERE c.state = 1 AND c.queue = @queue AND c.run_at <= @now AND NOT {KeyFull("c")} AND c.priority = @priority AND (c.run_at, c.seq) > (@run_at, @seq)
             ORDER BY c.run_at, c.seq
             LIMIT @limit)
            UNION ALL
            (SELECT c.id, c.name, c.limit_key, NOT {NotHeld(Schema, "c")}, c.priority, c.run_at, c.seq, {RunningWithKeyOf("c")}
             FROM {Schema}.jobs c
             WHERE c.state = 1 AND c.queue = @queue AND c.run_at <= @now AND NOT {KeyFull("c")} AND c.priority < @priority
             ORDER BY c.priority DESC, c.run_at, c.seq
             LIMIT @limit)
        ) page
        ORDER BY priority DESC, run_at, seq
        LIMIT @limit
        """;

    /// <summary>
    /// The running jobs with a candidate's limit key (0 without a key), read with the candidate itself: one probe of
    /// jobs_running_key_idx per row instead of a round trip for the counts after the page.
    /// </summary>
    private string RunningWithKeyOf(string alias)
        => $"(SELECT count(*) FROM {Schema}.jobs r WHERE r.state = 2 AND r.limit_key = {alias}.limit_key)";

    /// <summary>
    /// True for a candidate whose key runs as many jobs as the highest per-key limit of the fetch (@full_at) and that such a
    /// limit applies to (@queue_keyed: the queue's, for every keyed job; else its name in @keyed_names): the fetch would pass
    /// it over anyway, so the database does, without sending a busy key's backlog page by page.
    /// </summary>
    private string KeyFull(string alias)
        => $"(@full_at::integer IS NOT NULL AND {alias}.limit_key IS NOT NULL AND (@queue_keyed OR {alias}.name = ANY(@keyed_names)) AND {RunningWithKeyOf(alias)} >= @full_at::integer)";

    /// <summary>Served by jobs_running_queue_idx.</summary>
    public string RunningInQueue => _runningInQueue ??= $"SELECT count(*) FROM {Schema}.jobs WHERE state = 2 AND queue = @queue";

    /// <summary>Running jobs per limit key of @keys, in any queue; served by jobs_running_key_idx.</summary>
    public string RunningWithKeys => _runningWithKeys ??= $"""
        SELECT limit_key, count(*) FROM {Schema}.jobs WHERE state = 2 AND limit_key = ANY(@keys) GROUP BY limit_key
        """;

    /// <summary>
    /// Per item of (@scopes, @sinces, @caps): the starts after since, counted up to cap (the limit's starts: more than that
    /// never changes a decision, and bounds the count). A start recorded after @now (by a host whose clock is ahead) counts
    /// too: stricter, never looser, so no window ever holds more than the limit whatever the hosts' clocks.
    /// </summary>
    public string StartsInScopes => _startsInScopes ??= $"""
        SELECT u.ordinal, (SELECT count(*) FROM (
                    SELECT 1 FROM {Schema}.rate_starts r
                    WHERE r.scope = u.scope AND r.started_at > u.since
                    LIMIT u.cap) x)
        FROM unnest(@scopes, @sinces, @caps) WITH ORDINALITY AS u(scope, since, cap, ordinal)
        """;

    /// <summary>
    /// Leases the chosen jobs (@ids) that are still Enqueued, records a start at @now per (@start_ids, @start_scopes) item
    /// whose job was leased, and deletes outdated starts of (@prune_scopes, @prune_befores), bounded.
    /// </summary>
    public string LeaseWithStarts => _leaseWithStarts ??= $"""
        WITH fetched AS (
            UPDATE {Schema}.jobs j
            SET state = 2, attempt = j.attempt + 1, started_at = @now,
                lease_token = @lease_token, lease_expires_at = @lease_expires_at, worker_id = @worker_id
            FROM unnest(@ids) AS u(id)
            -- Re-checked on the newest row: a job cancelled, or leased by a plain fetch, since it was read is left out.
            WHERE j.id = u.id AND j.state = 1
            RETURNING j.*
        ), started AS (
            INSERT INTO {Schema}.rate_starts (scope, started_at)
            SELECT s.scope, @now FROM unnest(@start_ids, @start_scopes) AS s(id, scope)
            WHERE s.id IN (SELECT id FROM fetched)
            RETURNING 1
        ), pruned AS (
            DELETE FROM {Schema}.rate_starts
            WHERE ctid = ANY(ARRAY(
                SELECT r.ctid FROM {Schema}.rate_starts r
                JOIN unnest(@prune_scopes, @prune_befores) AS p(scope, before) ON r.scope = p.scope AND r.started_at <= p.before
                LIMIT {StartsPrunedPerFetch}))
            RETURNING 1
        ), changed AS (
            {ChangeNotifications($"pg_notify('{Channel}', ", "fetched")}
        )
        SELECT {JobColumns} FROM fetched j
        WHERE (SELECT count(*) FROM changed) + (SELECT count(*) FROM started) + (SELECT count(*) FROM pruned) >= 0
        """;

    /// <summary>Deletes holds that ended before @now; SKIP LOCKED, so it never waits on a hold being written.</summary>
    public string PruneHolds => _pruneHolds ??= $"""
        DELETE FROM {Schema}.holds
        WHERE scope IN (SELECT scope FROM {Schema}.holds WHERE held_until < @now FOR UPDATE SKIP LOCKED)
        """;

    /// <summary>
    /// Stores holds (@scopes, @untils): one row per scope, keeping the later end. Rows are written in scope order, so two
    /// calls never wait on each other's rows in a cycle.
    /// </summary>
    public string UpsertHolds => _upsertHolds ??= $"""
        INSERT INTO {Schema}.holds (scope, held_until)
        SELECT scope, max(until) FROM unnest(@scopes, @untils) AS u(scope, until) GROUP BY scope ORDER BY scope
        ON CONFLICT (scope) DO UPDATE SET held_until = greatest({Schema}.holds.held_until, excluded.held_until)
        """;

    /// <summary>Pause, running counts and the latest live hold around one job.</summary>
    public string FlowState => _flowState ??= $"""
        SELECT EXISTS (SELECT 1 FROM {Schema}.paused_queues WHERE queue = @queue),
               (SELECT count(*) FROM {Schema}.jobs WHERE state = 2 AND queue = @queue),
               (SELECT count(*) FROM {Schema}.jobs WHERE state = 2 AND limit_key = @limit_key),
               (SELECT max(held_until) FROM {Schema}.holds WHERE held_until > @now AND scope IN (@name_scope, @key_scope))
        """;

    /// <summary>
    /// Per item of (@scopes, @sinces, @caps): the start that must leave the window (starts after since, as the fetch counts
    /// them) before the scope has room again (the cap-th newest in it), or null when fewer than cap starts are in it.
    /// </summary>
    public string RateRoom => _rateRoom ??= $"""
        SELECT u.ordinal, (SELECT r.started_at FROM {Schema}.rate_starts r
                           WHERE r.scope = u.scope AND r.started_at > u.since
                           ORDER BY r.started_at DESC OFFSET u.cap - 1 LIMIT 1)
        FROM unnest(@scopes, @sinces, @caps) WITH ORDINALITY AS u(scope, since, cap, ordinal)
        """;

    /// <summary>
    /// The advisory lock key of this schema's fetches with limits: a stable hash (FNV-1a), never string.GetHashCode,
    /// which differs per process.
    /// </summary>
    public long FlowLock()
    {
        ulong hash = 14695981039346656037;
        foreach (string part in (ReadOnlySpan<string>)["jobqueue.flow:", Schema])
        {
            foreach (char c in part)
            {
                hash = (hash ^ c) * 1099511628211;
            }
        }

        return unchecked((long)hash);
    }
}
