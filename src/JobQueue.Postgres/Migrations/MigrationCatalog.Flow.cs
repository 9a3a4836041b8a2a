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
            ADD COLUMN IF NOT EXISTS parent_batch_id uuid,
            -- The request's now of the last failure counted, for the accounting that follows in jobqueue_batch_flow.
            ADD COLUMN IF NOT EXISTS changed_at      timestamptz;

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

        -- What follows a batch's accounting, in the statement that counted (an AFTER ROW trigger fires at its end and
        -- sees its changes; the updates it makes fire it again, so nesting recurses), whichever statement it was:
        -- a completion, a failure, a rescue, a cancel, an empty batch's finish.
        -- FailFast: the batch's first failure cancels its unfinished child jobs (running ones too: the lease is cleared,
        -- so the attempt's writes are refused), each counted as a failure; callbacks and nested batches are left alone.
        -- Nesting: a batch that finished counts once in its parent, a success iff it Succeeded, with the parent's own
        -- accounting: the parent's callbacks at its decision, and the parent's failure policy.
        CREATE OR REPLACE FUNCTION {s}.jobqueue_batch_flow() RETURNS trigger LANGUAGE plpgsql AS $flow$
        DECLARE
            v_now       timestamptz;
            v_cancelled integer;
            v_release   uuid;
            v_drop      uuid;
            v_decided   boolean;
            v_queue     text;
        BEGIN
            IF NEW.failure_policy = 1 AND OLD.failed = 0 AND NEW.failed > 0 THEN
                v_now := coalesce(NEW.changed_at, NEW.finished_at, NEW.created_at);
                WITH ended AS (
                    UPDATE {s}.jobs SET state = 5, finished_at = v_now, lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
                    WHERE batch_id = NEW.id AND NOT is_callback AND state IN (0, 1, 2)
                    RETURNING id
                )
                SELECT count(pg_notify('{s}_events', 'f:' || id)) INTO v_cancelled FROM ended;
                IF v_cancelled > 0 THEN
                    -- The batch's last children: it may finish here (this update fires the nesting branch).
                    UPDATE {s}.batches
                    SET failed = failed + v_cancelled,
                        finished_at = CASE WHEN succeeded + failed + v_cancelled >= total THEN v_now ELSE finished_at END
                    WHERE id = NEW.id;
                END IF;
            END IF;

            IF NEW.parent_batch_id IS NOT NULL AND OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL THEN
                v_now := NEW.finished_at;
                IF NEW.state = 1 THEN
                    UPDATE {s}.batches p
                    SET succeeded = p.succeeded + 1,
                        state = CASE WHEN p.state = 0 AND p.succeeded + 1 = p.total THEN 1 ELSE p.state END,
                        finished_at = CASE WHEN p.succeeded + 1 + p.failed >= p.total THEN v_now ELSE p.finished_at END,
                        changed_at = v_now
                    WHERE p.id = NEW.parent_batch_id
                    RETURNING p.success_job_id, p.failure_job_id, p.state = 1 AND p.succeeded = p.total
                    INTO v_release, v_drop, v_decided;
                ELSE
                    UPDATE {s}.batches p
                    SET failed = p.failed + 1,
                        state = CASE WHEN p.state = 0 THEN 2 ELSE p.state END,
                        finished_at = CASE WHEN p.succeeded + p.failed + 1 >= p.total THEN v_now ELSE p.finished_at END,
                        changed_at = v_now
                    WHERE p.id = NEW.parent_batch_id
                    RETURNING p.failure_job_id, p.success_job_id, p.failed = 1
                    INTO v_release, v_drop, v_decided;
                END IF;

                IF v_decided THEN
                    -- As the statements' own callbacks: state 6 re-checked, a callback cancelled meanwhile stays so.
                    UPDATE {s}.jobs SET state = 1, run_at = v_now WHERE id = v_release AND state = 6 RETURNING queue INTO v_queue;
                    IF v_queue IS NOT NULL THEN
                        PERFORM pg_notify('{s}_events', 'w:' || v_queue);
                    END IF;
                    UPDATE {s}.jobs SET state = 5, finished_at = v_now WHERE id = v_drop AND state = 6;
                    IF FOUND THEN
                        PERFORM pg_notify('{s}_events', 'f:' || v_drop);
                    END IF;
                END IF;
            END IF;

            RETURN NULL;
        END
        $flow$;

        DROP TRIGGER IF EXISTS batches_flow ON {s}.batches;
        CREATE TRIGGER batches_flow AFTER UPDATE ON {s}.batches FOR EACH ROW
            WHEN ((NEW.failure_policy = 1 AND OLD.failed = 0 AND NEW.failed > 0)
                  OR (NEW.parent_batch_id IS NOT NULL AND OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL))
            EXECUTE FUNCTION {s}.jobqueue_batch_flow();
        """;
}
