using JobQueue.Sqlite.Storage;

namespace JobQueue.Storage.Tests;

/// <summary>A SQLite store on a new file in a temp folder of its own, and its removal after the test.</summary>
internal static class SqliteTestFiles
{
    public static SqliteJobStorage CreateStore()
    {
        string folder = Path.Combine(Path.GetTempPath(), "jobqueue-conformance", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new SqliteJobStorage(SqliteSettings.Create(Path.Combine(folder, "jobs.db"), new SqliteStorageOptions()));
    }

    public static void Delete(IJobStorage storage)
    {
        var store = (SqliteJobStorage)storage;
        store.Dispose();
        try
        {
            Directory.Delete(Path.GetDirectoryName(store.DataSource)!, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it would hide the real result.
        }
    }
}
