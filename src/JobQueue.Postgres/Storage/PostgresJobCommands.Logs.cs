using JobQueue.Storage;
using Npgsql;
using NpgsqlTypes;

namespace JobQueue.Postgres.Storage;

internal sealed partial class PostgresJobCommands
{
    public async Task<bool> SaveJobLogsAsync(NpgsqlConnection connection, IReadOnlyList<JobLogWrite> logs, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.SaveJobLogs, connection);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = logs.Select(static l => l.Id.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("attempts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = logs.Select(static l => l.Attempt).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = logs.Select(static l => l.Text).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("dropped", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = logs.Select(static l => l.DroppedLines).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<StoredJobLog>> GetJobLogsAsync(NpgsqlConnection connection, JobId id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.SelectJobLogs, connection);
        command.Parameters.Add(Uuid("id", id.Value));
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var logs = new List<StoredJobLog>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            logs.Add(new StoredJobLog { Attempt = reader.GetInt32(0), Text = reader.GetString(1), DroppedLines = reader.GetInt32(2) });
        }

        return logs;
    }
}
