using JobQueue.Sqlite.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace JobQueue.Sqlite.Tests;

/// <summary>A fresh SQLite file in its own temp folder, deleted with the folder at the end of the test.</summary>
internal sealed class TempDatabase : IDisposable
{
    private readonly List<SqliteJobStorage> _stores = [];

    public TempDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "jobqueue-sqlite-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        FilePath = Path.Combine(Folder, "jobs.db");
    }

    public string Folder { get; }

    public string FilePath { get; }

    public SqliteJobStorage CreateStore(Action<SqliteStorageOptions>? configure = null, ILogger? logger = null)
    {
        var options = new SqliteStorageOptions();
        configure?.Invoke(options);
        var store = new SqliteJobStorage(SqliteSettings.Create(FilePath, options), logger);
        _stores.Add(store);
        return store;
    }

    /// <summary>A plain connection of the test's own, like another process or the application would open.</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        foreach (SqliteJobStorage store in _stores)
        {
            store.Dispose();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it would hide the real result.
        }
    }
}
