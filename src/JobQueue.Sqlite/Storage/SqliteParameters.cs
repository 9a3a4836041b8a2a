using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>Parameter helpers: SQLite takes DBNull for null, and ids and times in one stored form.</summary>
internal static class SqliteParameters
{
    /// <summary>Gives <paramref name="name"/> its value: added on a new command, replaced on a reused one (<see cref="SqliteStatementCache"/>).</summary>
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        int index = command.Parameters.IndexOf(name);
        if (index < 0)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        else
        {
            command.Parameters[index].Value = value ?? DBNull.Value;
        }

        return command;
    }

    /// <summary>Declares a parameter whose value is set per row with <see cref="Set"/>.</summary>
    public static SqliteCommand WithNull(this SqliteCommand command, string name) => command.With(name, (object?)null);

    public static SqliteCommand With(this SqliteCommand command, string name, DateTimeOffset value)
        => command.With(name, SqliteTime.ToStored(value));

    public static SqliteCommand With(this SqliteCommand command, string name, DateTimeOffset? value)
        => command.With(name, value is { } time ? SqliteTime.ToStored(time) : null);

    public static SqliteCommand With(this SqliteCommand command, string name, Guid value)
        => command.With(name, StoredJobReader.Format(value));

    public static SqliteCommand With(this SqliteCommand command, string name, JobId value)
        => command.With(name, StoredJobReader.Format(value.Value));

    public static SqliteCommand With(this SqliteCommand command, string name, BatchId? value)
        => command.With(name, value is { } id ? StoredJobReader.Format(id.Value) : null);

    public static void Set(this SqliteCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;
}
