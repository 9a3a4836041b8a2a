using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteJobReader
{
    public IReadOnlyList<StoredJobLog> GetJobLogs(JobId id)
    {
        using SqliteCommand command = _commands.Create(JobLogSql.Select).With("$id", id);
        using SqliteDataReader reader = command.ExecuteReader();
        var logs = new List<StoredJobLog>();
        while (reader.Read())
        {
            logs.Add(new StoredJobLog { Attempt = reader.GetInt32(0), Text = reader.GetString(1), DroppedLines = reader.GetInt32(2) });
        }

        return logs;
    }
}
