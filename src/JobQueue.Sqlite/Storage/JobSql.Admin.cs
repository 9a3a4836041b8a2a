using System.Text;
using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

/// <summary>The statements of job administration: listing pages of jobs, retry, delete and the throughput counts.</summary>
internal static class AdminSql
{
    /// <summary>The last error's type or message contain $text (folded to lower case): nested CASEs, so json_* only see an array.</summary>
    private const string LastErrorContainsText = """
        CASE WHEN NOT json_valid(errors) THEN 0
             WHEN json_type(errors) <> 'array' THEN 0
             WHEN json_array_length(errors) = 0 THEN 0
             ELSE coalesce(instr(lower(json_extract(errors, '$[#-1].type')), $text), 0) > 0
                  OR coalesce(instr(lower(json_extract(errors, '$[#-1].message')), $text), 0) > 0
        END
        """;

    public const string SelectForRetry = """
        SELECT state, batch_id, is_batch_callback, idempotency_key, queue FROM jobqueue_jobs WHERE id = $id;
        """;

    /// <summary>One row when the batch still exists: whether it has a failure callback.</summary>
    public const string BatchHasFailureCallback = "SELECT failure_job_id IS NOT NULL FROM jobqueue_batches WHERE id = $id;";

    /// <summary>
    /// Enqueues a Failed or Cancelled job again, due now: attempts and errors kept, one more attempt allowed when it
    /// had used them all.
    /// </summary>
    public const string Retry = """
        UPDATE jobqueue_jobs
        SET state = 1, run_at = $now, finished_at = NULL, max_attempts = max(max_attempts, attempt + 1)
        WHERE id = $id AND state IN (4, 5);
        """;

    /// <summary>A child retried counts as pending again in its batch: its failure is taken back, the batch unfinished.</summary>
    public const string UncountBatchFailure = "UPDATE jobqueue_batches SET failed = failed - 1, finished_at = NULL WHERE id = $id;";

    public const string Delete = "DELETE FROM jobqueue_jobs WHERE id = $id;";

    public const string CountAttempts = """
        INSERT INTO jobqueue_throughput (minute, queue, succeeded, failed) VALUES ($minute, $queue, $succeeded, $failed)
        ON CONFLICT (minute, queue) DO UPDATE
        SET succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed;
        """;

    public const string Throughput = """
        SELECT minute, queue, succeeded, failed FROM jobqueue_throughput WHERE minute >= $since ORDER BY minute, queue;
        """;

    public const string PruneThroughput = """
        DELETE FROM jobqueue_throughput
        WHERE rowid IN (SELECT rowid FROM jobqueue_throughput WHERE minute < $before ORDER BY minute LIMIT $limit);
        """;

    /// <summary>
    /// The WHERE terms of a listing. The state is written as a literal (a defined JobState), with the partial index's
    /// own term "state &lt;&gt; 1" beside it so that SQLite may use jobqueue_jobs_state; every other value is a parameter.
    /// </summary>
    public static string Filter(JobQuery query, bool withPosition)
    {
        var where = new StringBuilder("1");
        if (query.State is { } state)
        {
            int value = (int)state;
            where.Append(state == JobState.Enqueued ? " AND state = 1" : $" AND state = {value} AND state <> 1");
        }

        if (query.Queue is not null)
        {
            where.Append(" AND queue = $queue");
        }

        if (query.Name is not null)
        {
            where.Append(" AND name = $name");
        }

        if (query.BatchId is not null)
        {
            where.Append(" AND batch_id = $batch_id");
        }

        if (!string.IsNullOrEmpty(query.Text))
        {
            where.Append(" AND (instr(lower(CAST(arguments AS TEXT)), $text) > 0 OR ").Append(LastErrorContainsText).Append(')');
        }

        if (withPosition)
        {
            where.Append(" AND seq < $after");
        }

        return where.ToString();
    }

    public static string Page(JobQuery query, bool withPosition) =>
        $"SELECT {JobSql.JobColumns} FROM jobqueue_jobs WHERE {Filter(query, withPosition)} ORDER BY seq DESC LIMIT $limit;";

    public static string Count(JobQuery query) =>
        $"SELECT count(*) FROM (SELECT 1 FROM jobqueue_jobs WHERE {Filter(query, withPosition: false)} LIMIT $count_limit);";
}
