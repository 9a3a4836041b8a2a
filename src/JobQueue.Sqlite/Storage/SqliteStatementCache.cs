using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>
/// Commands kept on one connection and reused, so SQLite compiles each statement once per connection rather than
/// once per call (a job insert is over a dozen columns and several indexes: compiling it cost about as much as
/// running it). Every command runs in <see cref="Transaction"/>, so no statement runs outside it.
/// </summary>
/// <remarks>
/// A command keeps its parameters between uses: callers give every parameter of its SQL a value on every use
/// (<see cref="SqliteParameters.With(SqliteCommand, string, object?)"/> adds a parameter or replaces its value),
/// so no value of an earlier use can leak into a later one. Not thread-safe; one writer uses it at a time.
/// </remarks>
internal sealed class SqliteStatementCache : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly bool _writeLockHeld;
    private JobInserter? _jobInserter;

    /// <param name="connection">The open connection the commands run on.</param>
    /// <param name="writeLockHeld">
    /// True when every transaction on the connection is BEGIN IMMEDIATE (the store's own write connection): no
    /// statement in it can find the database busy, so statements that do not retry on busy may be used.
    /// </param>
    public SqliteStatementCache(SqliteConnection connection, bool writeLockHeld)
    {
        _connection = connection;
        _writeLockHeld = writeLockHeld;
    }

    /// <summary>The transaction the commands run in; set before each use of the cache.</summary>
    public SqliteTransaction? Transaction { get; set; }

    /// <summary>The command for <paramref name="sql"/>, compiled at its first execution and kept.</summary>
    /// <remarks>Not disposed by the caller: the cache owns it.</remarks>
    public SqliteCommand Get(string sql)
    {
        if (!_commands.TryGetValue(sql, out SqliteCommand? command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = Transaction;
        return command;
    }

    /// <summary>
    /// The job inserts bound by position, compiled at first use and kept; null unless the write lock is held. They
    /// step SQLite directly, without Microsoft.Data.Sqlite's retry of a busy statement, so they serve only the
    /// store's BEGIN IMMEDIATE transactions, never an application's transaction that may still have to wait for
    /// the lock.
    /// </summary>
    public JobInserter? JobInserter => _writeLockHeld ? _jobInserter ??= new JobInserter(_connection) : null;

    /// <summary>Finalizes the compiled statements; the connection stays open for its owner to close.</summary>
    public void Dispose()
    {
        _jobInserter?.Dispose();
        _jobInserter = null;
        foreach (SqliteCommand command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
