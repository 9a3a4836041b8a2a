namespace JobQueue.Postgres.Storage;

// Job administration: the throughput counts written with each outcome, and the statements of PostgresAdminSql.
internal sealed partial class PostgresSql
{
    /// <summary>The start of the minute (UTC) of a timestamptz expression, whatever the session's time zone.</summary>
    public static string MinuteOf(string time) => $"date_trunc('minute', ({time}) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'";

    /// <summary>
    /// The counter row a statement adds to, among the 16 of each minute and queue: the backend's, so that concurrent
    /// completions on different connections rarely lock the same row until their commits (see migration 4).
    /// </summary>
    private const string Shard = "(pg_backend_pid() % 16)::smallint";

    /// <summary>The statements of job administration.</summary>
    public PostgresAdminSql Admin { get; }

    /// <summary>
    /// Makes the counter upsert run after the batch accounting of its statement: the sub-statements of a WITH run in
    /// no set order, and a statement that locked a counter row and then waited for a batch row could deadlock with
    /// one that locked the batch row and then waited for the counter. The scalar subqueries read those CTEs to
    /// their end before the upsert takes its first row, so every statement locks its batch and callback rows
    /// first and its counter last, and one holding a counter waits for nothing more.
    /// </summary>
    private const string AfterBatchAccounting =
        "WHERE (SELECT count(*) FROM counted) + (SELECT count(*) FROM released) + (SELECT count(*) FROM dropped) >= 0";

    /// <summary>
    /// Counts the successes of <c>ended</c> (with columns queue and now) per minute and queue; follows the batch
    /// accounting CTEs (counted, released, dropped). A data-modifying CTE runs whether or not the query reads it;
    /// rows are grouped first (an upsert may touch a row once per statement), and taken in key order so two
    /// statements lock the counters in the same order.
    /// </summary>
    private static string CountSucceededAttempts(string s) => $"""
        , counted_attempts AS (
            INSERT INTO {s}.throughput AS t (minute, queue, shard, succeeded)
            SELECT {MinuteOf("e.now")}, e.queue, {Shard}, count(*) FROM ended e
            {AfterBatchAccounting}
            GROUP BY 1, 2 ORDER BY 1, 2
            ON CONFLICT (minute, queue, shard) DO UPDATE SET succeeded = t.succeeded + excluded.succeeded
        )
        """;

    /// <summary>
    /// Counts every row of <c>ended</c> (retried or failed for good) as a failed attempt in the minute of @now; follows
    /// the batch accounting CTEs, as <see cref="CountSucceededAttempts"/> does.
    /// </summary>
    private static string CountFailedAttempts(string s) => $"""
        , counted_attempts AS (
            INSERT INTO {s}.throughput AS t (minute, queue, shard, failed)
            SELECT {MinuteOf("@now")}, e.queue, {Shard}, count(*) FROM ended e
            {AfterBatchAccounting}
            GROUP BY e.queue ORDER BY e.queue
            ON CONFLICT (minute, queue, shard) DO UPDATE SET failed = t.failed + excluded.failed
        )
        """;
}
