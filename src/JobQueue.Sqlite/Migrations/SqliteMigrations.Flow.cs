namespace JobQueue.Sqlite.Migrations;

// Version 7: flow control (limit keys, rate starts, holds), idempotency scopes, batch failure policy and nested batches.
// Depends on version 1 (jobqueue_jobs, jobqueue_batches) and version 2 (jobqueue_jobs_queue_state) only.
internal static partial class SqliteMigrations
{
    private const string FlowSql = """
        -- The key per-key limits count a job by (NewJob.LimitKey).
        ALTER TABLE jobqueue_jobs ADD COLUMN limit_key TEXT;
        -- How long the job holds its idempotency key: IdempotencyScope (UntilSucceeded 0, WhileQueued 1,
        -- WhileQueuedOrRunning 2, ForPeriod 3). Rows written before this version read 0, the rule they were written under.
        ALTER TABLE jobqueue_jobs ADD COLUMN idempotency_scope INTEGER NOT NULL DEFAULT 0;
        -- For ForPeriod: the key is held until this time (ticks), whatever the state.
        ALTER TABLE jobqueue_jobs ADD COLUMN idempotency_until INTEGER;

        -- Running jobs per limit key, for per-key concurrency at fetch; partial, so only running keyed jobs have an entry.
        -- Running jobs per queue are counted in jobqueue_jobs_queue_state (queue, state) WHERE state <> 1.
        CREATE INDEX jobqueue_jobs_running_key ON jobqueue_jobs (limit_key) WHERE state = 2 AND limit_key IS NOT NULL;

        -- A key may now be held by a job whatever its state (ForPeriod) or freed while the job lives on (WhileQueued), so
        -- no partial unique index expresses the rule: the store's single writer serializes the enqueues of a key, and the
        -- holder is found by this index (each entry ends with seq, so the newest job with a key is its last entry).
        DROP INDEX jobqueue_jobs_idempotency;
        CREATE INDEX jobqueue_jobs_idempotency ON jobqueue_jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;

        -- One row per start in a rate-limited scope (FlowScope: "queue:", "name:" or "key:" and the name), written by the
        -- fetch that leased the job; rows older than the scope's period are deleted on the way.
        CREATE TABLE jobqueue_rate_starts (
            scope      TEXT    NOT NULL,
            started_at INTEGER NOT NULL
        );
        CREATE INDEX jobqueue_rate_starts_scope ON jobqueue_rate_starts (scope, started_at);

        -- Holds (IJobStorage.HoldAsync): no job of the scope is leased until "until".
        CREATE TABLE jobqueue_holds (
            scope TEXT    PRIMARY KEY,
            until INTEGER NOT NULL
        ) WITHOUT ROWID;
        -- The plain fetch asks "is any hold live?" once per call: one seek here, however many holds have ended.
        CREATE INDEX jobqueue_holds_until ON jobqueue_holds (until);

        -- BatchFailurePolicy: Continue 0, FailFast 1.
        ALTER TABLE jobqueue_batches ADD COLUMN failure_policy INTEGER NOT NULL DEFAULT 0;
        -- The batch this one is nested in (counted there as one child), or NULL.
        ALTER TABLE jobqueue_batches ADD COLUMN parent_batch_id TEXT;
        -- 1 once the finished batch was counted in its parent: a batch finishes again after a child's retry, but counts once.
        ALTER TABLE jobqueue_batches ADD COLUMN counted_in_parent INTEGER NOT NULL DEFAULT 0;
        """;
}
