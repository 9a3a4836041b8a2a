using JobQueue.Sqlite.Notifications;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>
/// The one connection the store writes through, kept open with its compiled statements for the store's life.
/// </summary>
/// <remarks>
/// The store's writes already go one at a time (SQLite has one writer per file), so one connection serves them
/// all. Opening a pooled connection per write cost its pragmas, and closing it finalized every statement it had
/// compiled, so each write compiled its statements again: together several times the cost of the insert itself.
/// Only the owner's write gate uses it, one write at a time.
/// </remarks>
internal sealed class SqliteWriteConnection : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteStatementCache _statements;

    private SqliteWriteConnection(SqliteConnection connection)
    {
        _connection = connection;
        _statements = new SqliteStatementCache(connection, writeLockHeld: true);
    }

    /// <exception cref="InvalidOperationException">The file cannot be opened; the message names it.</exception>
    public static SqliteWriteConnection Open(SqliteConnectionFactory connections) => new(connections.OpenUnpooled());

    /// <summary>
    /// Runs <paramref name="operation"/> in one BEGIN IMMEDIATE transaction and commits it; what the commit made
    /// ready or finished is returned in <paramref name="effects"/>, for the caller to signal.
    /// </summary>
    /// <remarks>
    /// BEGIN IMMEDIATE takes the write lock before the first read. BEGIN and COMMIT are kept compiled like every
    /// other statement (a SqliteTransaction compiles both again on every write), so the commands run without a
    /// SqliteTransaction. A throw leaves the transaction open: the caller must dispose this connection then, and
    /// closing it (it is never pooled) rolls the transaction back.
    /// </remarks>
    public T Write<T>(Func<SqliteJobWriter, T> operation, out WriteEffects effects)
    {
        _statements.Get("BEGIN IMMEDIATE;").ExecuteNonQuery();
        var writer = new SqliteJobWriter(_statements);
        T value = operation(writer);
        _statements.Get("COMMIT;").ExecuteNonQuery();
        effects = writer.Effects;
        return value;
    }

    public void Dispose()
    {
        _statements.Dispose();
        _connection.Dispose();
    }
}
