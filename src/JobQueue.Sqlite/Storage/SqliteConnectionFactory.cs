using System.Globalization;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>Opens pooled connections with the store's per-connection settings applied.</summary>
internal sealed class SqliteConnectionFactory
{
    private readonly SqliteSettings _settings;
    private readonly string _pragmas;
    private readonly string _unpooledConnectionString;

    public SqliteConnectionFactory(SqliteSettings settings)
    {
        _settings = settings;
        _unpooledConnectionString = new SqliteConnectionStringBuilder(settings.ConnectionString) { Pooling = false }.ToString();

        // Per connection, so set on every open (a pooled connection keeps them, and setting them again is cheap):
        // busy_timeout makes SQLite wait for another writer instead of failing at once; synchronous=NORMAL is
        // durable across a process crash in WAL mode and only risks the last commits on power loss; foreign_keys
        // is off by default in SQLite and on here for any table that declares one.
        _pragmas = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(int)settings.Options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
    }

    /// <exception cref="InvalidOperationException">The file cannot be opened; the message names it and the likely fix.</exception>
    public SqliteConnection Open() => Open(_settings.ConnectionString);

    /// <summary>
    /// Opens a connection of its own, outside the pool: closing it closes the file handle, and with it rolls back a
    /// transaction left open (a pooled connection would go back to the pool with it).
    /// </summary>
    /// <exception cref="InvalidOperationException">The file cannot be opened; the message names it and the likely fix.</exception>
    public SqliteConnection OpenUnpooled() => Open(_unpooledConnectionString);

    private SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using SqliteCommand pragmas = connection.CreateCommand();
            pragmas.CommandText = _pragmas;
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException ex) when (!SqliteBusyRetry.IsBusy(ex))
        {
            connection.Dispose();
            throw CannotUse(_settings.DataSource, ex);
        }
    }

    /// <summary>Turns SQLite's terse open and write errors into one that names the file and what to check.</summary>
    public static InvalidOperationException CannotUse(string dataSource, SqliteException ex)
    {
        string? folder = Path.GetDirectoryName(dataSource);
        string hint = ex.SqliteErrorCode switch
        {
            14 when !string.IsNullOrEmpty(folder) && !Directory.Exists(folder) => $"The folder '{folder}' does not exist; create it first.",
            14 => "Check that the process may create and write files in its folder.",
            8 => "The file or its folder is read-only for this process; JobQueue needs to write it (and its -wal and -shm files beside it).",
            26 => "The file is not a SQLite database.",
            _ => "Check the path and the permissions of the file and its folder.",
        };
        return new InvalidOperationException($"JobQueue cannot use the SQLite database '{dataSource}': {ex.Message} {hint}", ex);
    }
}
