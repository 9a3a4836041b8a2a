using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteJobWriter
{
    public bool SaveJobLogs(IReadOnlyList<JobLogWrite> logs)
    {
        foreach (JobLogWrite log in logs)
        {
            _commands.Get(JobLogSql.Upsert)
                .With("$id", log.Id)
                .With("$attempt", log.Attempt)
                .With("$text", log.Text)
                .With("$dropped", log.DroppedLines)
                .ExecuteNonQuery();
        }

        return true;
    }
}
