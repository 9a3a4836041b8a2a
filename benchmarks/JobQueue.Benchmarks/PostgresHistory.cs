using Npgsql;

namespace JobQueue.Benchmarks;

/// <summary>
/// Multiplies the finished rows the SPI wrote into PostgreSQL's jobs table, with new ids: the same rows in every
/// column but the id and the enqueue sequence. This knows the provider's table; the benchmark accepts that, because
/// a million single-row completions would not fit in the run's time budget.
/// </summary>
internal static class PostgresHistory
{
    public static async Task CopyFinishedAsync(string schema, int rows)
    {
        await using var connection = new NpgsqlConnection(BenchEnvironment.Postgres);
        await connection.OpenAsync().ConfigureAwait(false);
        int added = 0;
        while (added < rows)
        {
            // Doubles the finished rows each round, up to the count asked for.
            await using var copy = new NpgsqlCommand($"""
                INSERT INTO {schema}.jobs (id, name, queue, state, priority, arguments, attempt, max_attempts, timeout_ticks,
                    retry_delay_ticks, run_at, enqueued_at, started_at, finished_at, result, errors, trace_parent, worker_id)
                SELECT gen_random_uuid(), name, queue, state, priority, arguments, attempt, max_attempts, timeout_ticks,
                    retry_delay_ticks, run_at, enqueued_at, started_at, finished_at, result, errors, trace_parent, worker_id
                FROM {schema}.jobs WHERE state = 3 LIMIT @limit
                """, connection) { CommandTimeout = 600 };
            copy.Parameters.AddWithValue("limit", rows - added);
            added += await copy.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        // A table that grew over months has statistics; one filled a second ago has none until autovacuum comes.
        await using var analyze = new NpgsqlCommand($"VACUUM ANALYZE {schema}.jobs", connection) { CommandTimeout = 600 };
        await analyze.ExecuteNonQueryAsync().ConfigureAwait(false);

        // Months of history were checkpointed long ago; a million rows written a second ago would otherwise be
        // flushed by a checkpoint in the middle of the timed drain, and the figure would measure that flush.
        await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection) { CommandTimeout = 600 };
        await checkpoint.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
