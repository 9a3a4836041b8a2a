namespace JobQueue.Sqlite.Storage;

/// <summary>
/// The statements of flow control (schema version 7): the fetch with limits, rate starts, holds and the flow state.
/// Scope names are FlowScope's ("queue:", "name:", "key:" and the name); <see cref="JobSql.Fetch"/> builds the name and
/// key scopes of a row in SQL with the same prefixes.
/// </summary>
internal static class FlowSql
{
    /// <summary>
    /// The first page of the ready jobs a fetch with limits examines, in fetch order: only what the decisions need, and
    /// the order's columns, where the next page continues (<see cref="CandidatesInLevelAfter"/>). Stepped lazily by the
    /// caller, which stops reading once it has decided, so the LIMIT (a page) is only the bound.
    /// </summary>
    public const string Candidates = """
        SELECT seq, name, limit_key, priority, run_at FROM jobqueue_jobs
        WHERE state = 1 AND queue = $queue AND run_at <= $now
            AND NOT EXISTS (SELECT 1 FROM jobqueue_paused_queues WHERE queue = $queue)
        ORDER BY priority DESC, run_at, seq
        LIMIT $limit;
        """;

    /// <summary>
    /// The next page within the last page's priority: after its last (run_at, seq). Keyset in two statements because the
    /// order mixes directions (priority DESC, run_at, seq): one OR across levels made SQLite seek on priority only and
    /// walk again every job of the level before the cursor, page after page; the row value here seeks in
    /// jobqueue_jobs_ready (queue=? AND priority=? AND run_at>?). No pause test: a page follows only a full first page,
    /// read under the same write lock, so the queue was not paused.
    /// </summary>
    public const string CandidatesInLevelAfter = """
        SELECT seq, name, limit_key, priority, run_at FROM jobqueue_jobs
        WHERE state = 1 AND queue = $queue AND run_at <= $now
            AND priority = $priority AND (run_at, seq) > ($run_at, $seq)
        ORDER BY run_at, seq
        LIMIT $limit;
        """;

    /// <summary>The next page once a priority level is read to its end: the levels below it, in fetch order.</summary>
    public const string CandidatesBelowLevel = """
        SELECT seq, name, limit_key, priority, run_at FROM jobqueue_jobs
        WHERE state = 1 AND queue = $queue AND run_at <= $now AND priority < $priority
        ORDER BY priority DESC, run_at, seq
        LIMIT $limit;
        """;

    /// <summary>
    /// Leases the chosen jobs, named by rowid in a JSON array. Still guarded by state = 1, though the write lock is held
    /// since the candidates were read, so nothing else can have leased them.
    /// </summary>
    public const string LeaseChosen = $"""
        UPDATE jobqueue_jobs
        SET state = 2, attempt = attempt + 1, started_at = $now,
            lease_token = $lease_token, lease_expires_at = $lease_expires_at, worker_id = $worker_id
        WHERE seq IN (SELECT value FROM json_each($seqs)) AND state = 1
        RETURNING {JobSql.JobColumns};
        """;

    /// <summary>Whether any hold is live: one seek of jobqueue_holds_until; most fetches stop here.</summary>
    public const string AnyLiveHold = "SELECT EXISTS (SELECT 1 FROM jobqueue_holds WHERE until > $now);";

    public const string IsHeld = "SELECT EXISTS (SELECT 1 FROM jobqueue_holds WHERE scope = $scope AND until > $now);";

    /// <summary>Running jobs of a queue: "state &lt;&gt; 1" repeats jobqueue_jobs_queue_state's own term, so SQLite counts in that index.</summary>
    public const string RunningInQueue = "SELECT count(*) FROM jobqueue_jobs WHERE queue = $queue AND state = 2 AND state <> 1;";

    /// <summary>Running jobs with a limit key, counted in jobqueue_jobs_running_key (limit_key = $key implies IS NOT NULL).</summary>
    public const string RunningWithKey = "SELECT count(*) FROM jobqueue_jobs WHERE limit_key = $key AND state = 2;";

    /// <summary>
    /// Starts in the window (now - period, now], and any recorded after now, counted only up to the limit: room is all a
    /// fetch asks about. Starts after now are those of fetches in other processes whose now was later, though they took
    /// the write lock first: a fetch that ignored them would record its own start beside them within one period and
    /// could exceed the limit (seen as 36 starts in one second under a limit of 20, with three worker processes).
    /// </summary>
    public const string CountStarts = """
        SELECT count(*) FROM (
            SELECT 1 FROM jobqueue_rate_starts
            WHERE scope = $scope AND started_at > $since
            LIMIT $starts);
        """;

    public const string InsertStart = "INSERT INTO jobqueue_rate_starts (scope, started_at) VALUES ($scope, $now);";

    /// <summary>Deletes a scope's starts before $before, oldest first and bounded, so a fetch holds the lock briefly.</summary>
    public const string PruneStarts = """
        DELETE FROM jobqueue_rate_starts
        WHERE rowid IN (
            SELECT rowid FROM jobqueue_rate_starts
            WHERE scope = $scope AND started_at <= $before
            ORDER BY started_at
            LIMIT 100);
        """;

    /// <summary>
    /// The time a full scope has room again: the start that must leave the window for the count to drop below the
    /// limit is the $starts-th newest in it (OFFSET $starts - 1); no row means there is room now. Starts after now count,
    /// as in <see cref="CountStarts"/>.
    /// </summary>
    public const string OldestStartToLeave = """
        SELECT started_at FROM jobqueue_rate_starts
        WHERE scope = $scope AND started_at > $since
        ORDER BY started_at DESC
        LIMIT 1 OFFSET $offset;
        """;

    /// <summary>A scope held already keeps the later of the two ends.</summary>
    public const string Hold = """
        INSERT INTO jobqueue_holds (scope, until) VALUES ($scope, $until)
        ON CONFLICT (scope) DO UPDATE SET until = max(until, excluded.until);
        """;

    /// <summary>Deletes holds that ended before the caller's now, bounded.</summary>
    public const string PruneHolds = """
        DELETE FROM jobqueue_holds
        WHERE scope IN (SELECT scope FROM jobqueue_holds WHERE until < $now ORDER BY until LIMIT 100);
        """;

    /// <summary>The latest live end among the job's name and key scopes (NULL when neither is held).</summary>
    public const string HeldUntil = """
        SELECT max(until) FROM jobqueue_holds WHERE scope IN ($name_scope, $key_scope) AND until > $now;
        """;

    public const string IsPaused = "SELECT EXISTS (SELECT 1 FROM jobqueue_paused_queues WHERE queue = $queue);";
}
