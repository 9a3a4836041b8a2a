using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>
/// Inserts any number of job rows with a few compiled <see cref="JobInsertStatement"/>s of fixed sizes: as many
/// of the largest as fit, then smaller ones for the rest (1,000 rows run as 20 of 48 and 5 of 8).
/// </summary>
/// <remarks>
/// Statements are compiled at first use and kept for the connection's life; a single enqueue only ever compiles
/// the one-row statement. Not thread-safe: one writer uses it at a time, inside its transaction.
/// </remarks>
internal sealed class JobInserter : IDisposable
{
    // Largest first. 48 rows of 18 values are 864 parameters, below SQLite's oldest limit of 999 per statement.
    private static readonly int[] s_sizes = [48, 8, 1];

    private readonly SqliteConnection _connection;
    private readonly JobInsertStatement?[] _statements = new JobInsertStatement?[s_sizes.Length];

    public JobInserter(SqliteConnection connection)
    {
        _connection = connection;
    }

    /// <exception cref="SqliteException">SQLite refused a row; the caller's transaction must be rolled back.</exception>
    public void Insert(ReadOnlySpan<JobRow> rows, DateTimeOffset now)
    {
        for (int size = 0; size < s_sizes.Length; size++)
        {
            while (rows.Length >= s_sizes[size])
            {
                JobInsertStatement statement = _statements[size] ??= new JobInsertStatement(_connection, s_sizes[size]);
                statement.Execute(rows[..statement.Rows], now);
                rows = rows[statement.Rows..];
            }
        }
    }

    public void Dispose()
    {
        for (int i = 0; i < _statements.Length; i++)
        {
            _statements[i]?.Dispose();
            _statements[i] = null;
        }
    }
}
