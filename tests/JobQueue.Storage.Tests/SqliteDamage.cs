using JobQueue.Sqlite.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Storage.Tests;

/// <summary>Damages a job row of a SQLite store with SQL on a connection of its own, as a hand edit would.</summary>
internal static class SqliteDamage
{
    public static async Task<string> ApplyAsync(IJobStorage storage, JobId id, Damage damage)
    {
        (string column, string sql) = damage switch
        {
            // The schema's CHECK keeps states in range; a tool that turned checks off is what this stands for.
            Damage.State => ("state", "PRAGMA ignore_check_constraints = ON; UPDATE jobqueue_jobs SET state = 9 WHERE id = $id;"),
            Damage.Errors => ("errors", "UPDATE jobqueue_jobs SET attempt = 1, errors = '[{\"type\": \"System.Exception\", \"mess' WHERE id = $id;"),
            Damage.Time => ("enqueued_at", "UPDATE jobqueue_jobs SET enqueued_at = 'yesterday' WHERE id = $id;"),
            Damage.BatchId => ("batch_id", "UPDATE jobqueue_jobs SET batch_id = 'not-a-batch' WHERE id = $id;"),
            Damage.LeaseToken => ("lease_token", "UPDATE jobqueue_jobs SET lease_token = 'not-a-token' WHERE id = $id;"),
            Damage.Id => ("id", "UPDATE jobqueue_jobs SET id = 'not-a-job-' || seq WHERE id = $id;"),
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
        };

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = ((SqliteJobStorage)storage).DataSource,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id.ToString());
        (await command.ExecuteNonQueryAsync()).Should().Be(1, "job {0} is in the store to be damaged", id);
        return column;
    }
}
