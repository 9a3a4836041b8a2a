using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>Creates commands bound to one connection and transaction, so no statement runs outside it.</summary>
internal sealed class SqliteCommands
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction? _transaction;

    public SqliteCommands(SqliteConnection connection, SqliteTransaction? transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public SqliteCommand Create(string sql)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        return command;
    }
}
