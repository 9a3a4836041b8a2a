using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace JobQueue.Benchmarks;

/// <summary>
/// SQLite's raw limit on this disk: plain INSERTs of a job-sized row into an indexed table, with the provider's
/// settings (WAL, synchronous = NORMAL), one row per transaction and 1,000 rows per transaction.
/// </summary>
/// <remarks>
/// The table has the index shape a job enqueued into JobQueue's table writes: the table itself, a unique id index
/// and a partial index of ready rows whose entries end with the rowid (schema version 2). The 1,000 rows of a
/// transaction go in as 20 INSERT OR FAIL statements of 50 rows each, as the store's bulk enqueue writes several
/// rows per statement: one row per statement would open the table's and the indexes' cursors for every row and
/// measure that, not the limit.
/// </remarks>
/// <remarks>
/// Ids are version-7 Guids, as JobQueue's clients make them: time-ordered, so each insert lands at the end of the
/// unique id index. Random (version-4) ids scatter 1,000 inserts over as many index pages once the index outgrows
/// SQLite's page cache, and every touched page is written to the WAL at commit: that measured the cost of random
/// keys (about a third of the rate), not the limit a job insert runs against.
/// </remarks>
internal static class RawSqlite
{
    private const int RowsPerStatement = 50;

    public static (double OneRowPerTransaction, double ThousandRowsPerTransaction) Measure(int singles, int bulkRows)
    {
        string path = Path.Combine(BenchEnvironment.SqliteFolder, "raw-" + Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(BenchEnvironment.SqliteFolder);
        using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
        connection.Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
            CREATE TABLE raw (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, queue TEXT NOT NULL,
                state INTEGER NOT NULL, arguments BLOB NOT NULL, enqueued_at INTEGER NOT NULL);
            CREATE INDEX raw_ready ON raw (queue, enqueued_at) WHERE state = 1;
            """);
        byte[] arguments = "{\"id\":\"0b3c6f7e-8d1a-4f7e-9a59-0c7c6e2b1d11\",\"name\":\"job\"}"u8.ToArray();
        using SqliteCommand insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO raw (id, name, queue, state, arguments, enqueued_at) VALUES ($id, 'bench-noop', 'bench', 1, $args, $at);";
        SqliteParameter id = insert.Parameters.Add("$id", SqliteType.Text);
        insert.Parameters.AddWithValue("$args", arguments);
        insert.Parameters.AddWithValue("$at", 0L);

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < singles; i++)
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            id.Value = Guid.CreateVersion7().ToString();
            insert.ExecuteNonQuery();
            transaction.Commit();
        }

        double single = singles / Stopwatch.GetElapsedTime(start).TotalSeconds;

        using SqliteCommand insertMany = connection.CreateCommand();
        insertMany.CommandText = "INSERT OR FAIL INTO raw (id, name, queue, state, arguments, enqueued_at) VALUES "
            + string.Join(", ", Enumerable.Range(0, RowsPerStatement).Select(row => $"($id{row}, 'bench-noop', 'bench', 1, $args, $at)")) + ";";
        SqliteParameter[] ids = Enumerable.Range(0, RowsPerStatement).Select(row => insertMany.Parameters.Add($"$id{row}", SqliteType.Text)).ToArray();
        insertMany.Parameters.AddWithValue("$args", arguments);
        insertMany.Parameters.AddWithValue("$at", 0L);
        start = Stopwatch.GetTimestamp();
        for (int done = 0; done < bulkRows; done += 1_000)
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            insertMany.Transaction = transaction;
            for (int i = 0; i < 1_000; i += RowsPerStatement)
            {
                foreach (SqliteParameter rowId in ids)
                {
                    rowId.Value = Guid.CreateVersion7().ToString();
                }

                insertMany.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        double bulk = bulkRows / Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (single, bulk);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
