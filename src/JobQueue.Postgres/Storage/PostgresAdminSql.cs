using System.Text;
using JobQueue.Storage;

namespace JobQueue.Postgres.Storage;

/// <summary>
/// The statements of job administration for one schema: pages of jobs, retry, delete and the throughput counts. As in
/// <see cref="PostgresSql"/>, identifiers are spliced in after validation and every value is a parameter.
/// </summary>
internal sealed class PostgresAdminSql
{
    private const string JobColumns =
        "j.id, j.name, j.queue, j.state, j.priority, j.arguments, j.attempt, j.max_attempts, j.timeout_ticks, " +
        "j.retry_delay_ticks, j.run_at, j.enqueued_at, j.started_at, j.finished_at, j.result, j.errors::text, " +
        "j.progress_percent, j.progress_message, j.idempotency_key, j.batch_id, j.trace_parent, j.lease_token, " +
        "j.lease_expires_at, j.worker_id, j.seq, j.limit_key";

    /// <summary>Folds A to Z only (lower() would fold by the database's locale): the text filter's rule on every store.</summary>
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private readonly string _s;

    public PostgresAdminSql(string schema, string notify)
    {
        _s = schema;
        string s = schema;

        // One statement per job: atomic, and the rows it decides on are locked (FOR UPDATE) as it reads them. The
        // outcome numbers are RetryOutcome's.
        Retry = $"""
            WITH target AS (
                SELECT id, state, batch_id, is_callback, idempotency_key, queue FROM {s}.jobs WHERE id = @id FOR UPDATE
            ), batch AS (
                SELECT b.id, b.failure_job_id FROM {s}.batches b JOIN target t ON b.id = t.batch_id AND NOT t.is_callback
                FOR UPDATE OF b
            ), decided AS (
                SELECT t.id,
                       CASE WHEN t.state NOT BETWEEN 0 AND 6 THEN 7
                            WHEN t.state = 3 THEN 3
                            WHEN t.state = 5 AND t.is_callback THEN 5
                            WHEN t.state NOT IN (4, 5) THEN 2
                            WHEN EXISTS (SELECT 1 FROM batch WHERE failure_job_id IS NOT NULL) THEN 4
                            WHEN t.idempotency_key IS NOT NULL AND EXISTS (
                                SELECT 1 FROM {s}.jobs h
                                WHERE h.idempotency_key = t.idempotency_key AND {PostgresSql.Holds("h")} AND h.id <> t.id) THEN 6
                            ELSE 1 END AS outcome
                FROM target t
            ), retried AS (
                UPDATE {s}.jobs j
                SET state = 1, run_at = @now, finished_at = NULL, max_attempts = greatest(j.max_attempts, j.attempt + 1)
                FROM decided d WHERE j.id = d.id AND d.outcome = 1
                RETURNING j.queue
            ), uncounted AS (
                -- Pending again in its batch, which stays Failed: its outcome was decided at its first failure.
                UPDATE {s}.batches b SET failed = b.failed - 1, finished_at = NULL
                FROM batch WHERE b.id = batch.id AND EXISTS (SELECT 1 FROM retried)
                RETURNING b.id
            )
            SELECT (SELECT outcome FROM decided),
                   (SELECT count({notify}'w:' || queue)) FROM retried) + (SELECT count(*) FROM uncounted)
            """;

        Delete = $"""
            WITH target AS (
                SELECT id, state FROM {s}.jobs WHERE id = @id FOR UPDATE
            ), deleted AS (
                DELETE FROM {s}.jobs j USING target t WHERE j.id = t.id AND t.state NOT IN (0, 1, 2, 6) RETURNING j.id
            )
            SELECT (SELECT count(*) FROM target), (SELECT count(*) FROM deleted)
            """;

        Throughput = $"""
            SELECT minute, queue, sum(succeeded)::bigint, sum(failed)::bigint FROM {s}.throughput WHERE minute >= @since
            GROUP BY minute, queue ORDER BY minute, queue
            """;

        PruneThroughput = $"""
            WITH doomed AS (
                SELECT minute, queue, shard FROM {s}.throughput WHERE minute < @before ORDER BY minute LIMIT @limit FOR UPDATE SKIP LOCKED
            ), deleted AS (
                DELETE FROM {s}.throughput t USING doomed d
                WHERE t.minute = d.minute AND t.queue = d.queue AND t.shard = d.shard RETURNING 1
            )
            SELECT count(*) FROM deleted
            """;
    }

    public string Retry { get; }

    public string Delete { get; }

    public string Throughput { get; }

    public string PruneThroughput { get; }

    public string Page(JobQuery query, bool withPosition) =>
        $"SELECT {JobColumns} FROM {_s}.jobs j WHERE {Filter(query, withPosition)} ORDER BY j.seq DESC LIMIT @limit";

    public string Count(JobQuery query) =>
        $"SELECT count(*) FROM (SELECT 1 FROM {_s}.jobs j WHERE {Filter(query, withPosition: false)} LIMIT @count_limit) c";

    /// <summary>
    /// The WHERE terms of a listing. The state is a literal (a defined JobState), with the partial index's own term
    /// "state &lt;&gt; 1" beside it, so that the planner can prove jobs_state_seq_idx applies; every other value is a parameter.
    /// </summary>
    private static string Filter(JobQuery query, bool withPosition)
    {
        var where = new StringBuilder("true");
        if (query.State is { } state)
        {
            where.Append(state == JobState.Enqueued ? " AND j.state = 1" : $" AND j.state = {(int)state} AND j.state <> 1");
        }

        if (query.Queue is not null)
        {
            where.Append(" AND j.queue = @queue");
        }

        if (query.Name is not null)
        {
            where.Append(" AND j.name = @name");
        }

        if (query.BatchId is not null)
        {
            where.Append(" AND j.batch_id = @batch_id");
        }

        if (!string.IsNullOrEmpty(query.Text))
        {
            string lower = Upper.ToLowerInvariant();
            where.Append($"""
                 AND (strpos(translate(convert_from(j.arguments, 'UTF8'), '{Upper}', '{lower}'), @text) > 0
                      OR strpos(translate(j.errors -> -1 ->> 'type', '{Upper}', '{lower}'), @text) > 0
                      OR strpos(translate(j.errors -> -1 ->> 'message', '{Upper}', '{lower}'), @text) > 0)
                """);
        }

        if (withPosition)
        {
            where.Append(" AND j.seq < @after");
        }

        return where.ToString();
    }
}
