namespace JobQueue.Postgres.Migrations;

// Version 6: flow control (limit keys, rate starts, holds), idempotency scopes, batch failure policy and nesting.
internal static partial class MigrationCatalog
{
    // ADD COLUMN with a constant default rewrites no row (PostgreSQL 11 and later), so the step is quick on a large
    // jobs table. Rows written before it read idempotency_scope 0 (UntilSucceeded), the rule they were written under.
    private static string Version6Flow(string s) => $"""
        ALTER TABLE {s}.jobs
            ADD COLUMN IF NOT EXISTS limit_key         text,
            -- IdempotencyScope: 0 UntilSucceeded, 1 WhileQueued, 2 WhileQueuedOrRunning, 3 ForPeriod (until idempotency_until).
            ADD COLUMN IF NOT EXISTS idempotency_scope smallint NOT NULL DEFAULT 0,
            ADD COLUMN IF NOT EXISTS idempotency_until timestamptz;

        -- BatchFailurePolicy: 0 Continue, 1 FailFast. A nested batch counts as one child of its parent.
        ALTER TABLE {s}.batches
            ADD COLUMN IF NOT EXISTS failure_policy  smallint NOT NULL DEFAULT 0,
            ADD COLUMN IF NOT EXISTS parent_batch_id uuid;

        -- Per-key concurrency counts the running jobs of a key in any queue; queue concurrency those of a queue. Both
        -- partial on Running, so they hold only the few running rows however large the history grows.
        CREATE INDEX IF NOT EXISTS jobs_running_key_idx ON {s}.jobs (limit_key) WHERE state = 2 AND limit_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS jobs_running_queue_idx ON {s}.jobs (queue) WHERE state = 2;

        -- A key's holder is decided by the holder's own scope (and the enqueue's now), which no unique index can
        -- express: enqueues of one key are serialized by an advisory lock per key instead, and the holder is the
        -- newest job with the key that still holds it, found by this index newest first.
        DROP INDEX IF EXISTS {s}.jobs_idempotency_idx;
        CREATE INDEX IF NOT EXISTS jobs_idempotency_seq_idx ON {s}.jobs (idempotency_key, seq DESC) WHERE idempotency_key IS NOT NULL;

        -- One row per start in a rate-limited scope (FlowScope names), kept for one period of the scope's limit.
        CREATE TABLE IF NOT EXISTS {s}.rate_starts (
            scope      text        NOT NULL,
            started_at timestamptz NOT NULL
        );
        CREATE INDEX IF NOT EXISTS rate_starts_scope_idx ON {s}.rate_starts (scope, started_at);

        -- Holds (a handler's RateLimitedException): no job of the scope is leased until the hold's end.
        CREATE TABLE IF NOT EXISTS {s}.holds (
            scope      text        PRIMARY KEY,
            held_until timestamptz NOT NULL
        );
        -- Every fetch asks whether any hold is live (its latest end): one step down this index, read once per fetch.
        CREATE INDEX IF NOT EXISTS holds_until_idx ON {s}.holds (held_until);

        CREATE INDEX IF NOT EXISTS batches_parent_idx ON {s}.batches (parent_batch_id) WHERE parent_batch_id IS NOT NULL;
        """;
}
