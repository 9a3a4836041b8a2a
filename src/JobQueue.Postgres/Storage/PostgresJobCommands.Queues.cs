using JobQueue.Hosts;
using JobQueue.Storage;
using Npgsql;

namespace JobQueue.Postgres.Storage;

internal sealed partial class PostgresJobCommands
{
    public async Task<bool> PauseQueueAsync(NpgsqlConnection connection, PauseQueueRequest request, CancellationToken cancellationToken)
    {
        // One batch is one transaction (implicit in autocommit, the caller's otherwise): the exclusive lock waits for
        // the fetches of the queue under way and holds back new ones until the pause has committed (PostgresSql).
        await using var batch = new NpgsqlBatch(connection);
        var lockQueue = new NpgsqlBatchCommand(PostgresSql.LockQueueForPause);
        lockQueue.Parameters.Add(new NpgsqlParameter<long>("pause_lock", Sql.PausedQueueLock(request.Queue)));
        batch.BatchCommands.Add(lockQueue);
        var pause = new NpgsqlBatchCommand(Sql.PauseQueue);
        pause.Parameters.Add(Text("queue", request.Queue));
        pause.Parameters.Add(Time("now", request.Now));
        batch.BatchCommands.Add(pause);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return pause.RecordsAffected == 1;
    }

    public async Task<bool> ResumeQueueAsync(NpgsqlConnection connection, ResumeQueueRequest request, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.ResumeQueue, connection);
        command.Parameters.Add(Text("queue", request.Queue));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    public async Task<IReadOnlyList<PausedQueue>> GetPausedQueuesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var paused = new List<PausedQueue>();
        await using var command = new NpgsqlCommand(Sql.PausedQueues, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            paused.Add(new PausedQueue { Queue = reader.GetString(0), PausedAt = ReadTime(reader, 1) });
        }

        // Sorted here: ORDER BY would follow the database's collation, not .NET's ordinal order.
        paused.Sort(static (a, b) => string.CompareOrdinal(a.Queue, b.Queue));
        return paused;
    }

    public async Task<bool> RecordHeartbeatAsync(NpgsqlConnection connection, HostHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.UpsertHost, connection);
        NpgsqlParameterCollection p = command.Parameters;
        p.Add(Text("id", heartbeat.HostId));
        p.Add(Text("machine_name", heartbeat.MachineName));
        p.Add(new NpgsqlParameter<int>("process_id", heartbeat.ProcessId));
        p.Add(Time("started_at", heartbeat.StartedAt));
        p.Add(Text("version", heartbeat.Version));
        p.Add(Text("queues", HostQueuesJson.Write(heartbeat.Queues)));
        p.Add(new NpgsqlParameter<int>("running", heartbeat.Running));
        p.Add(new NpgsqlParameter<long>("interval_ticks", heartbeat.Interval.Ticks));
        p.Add(Time("seen_at", heartbeat.SeenAt));
        p.Add(Time("expires_at", heartbeat.ExpiresAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> RemoveHostAsync(NpgsqlConnection connection, RemoveHostRequest request, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.RemoveHost, connection);
        command.Parameters.Add(Text("id", request.HostId));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<HostHeartbeat>> GetHostsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var hosts = new List<HostHeartbeat>();
        await using var command = new NpgsqlCommand(Sql.SelectHosts, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            hosts.Add(new HostHeartbeat
            {
                HostId = reader.GetString(0),
                MachineName = reader.GetString(1),
                ProcessId = reader.GetInt32(2),
                StartedAt = ReadTime(reader, 3),
                Version = reader.GetString(4),
                Queues = HostQueuesJson.Read(reader.GetString(5)),
                Running = reader.GetInt32(6),
                Interval = TimeSpan.FromTicks(reader.GetInt64(7)),
                SeenAt = ReadTime(reader, 8),
                ExpiresAt = ReadTime(reader, 9),
            });
        }

        hosts.Sort(static (a, b) => string.CompareOrdinal(a.HostId, b.HostId));
        return hosts;
    }

    public async Task<int> PruneHostsAsync(NpgsqlConnection connection, PruneHostsRequest request, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.PruneHosts, connection);
        command.Parameters.Add(Time("now", request.Now));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", request.Limit));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DateTimeOffset ReadTime(NpgsqlDataReader reader, int ordinal)
        => new(DateTime.SpecifyKind(reader.GetFieldValue<DateTime>(ordinal), DateTimeKind.Utc));
}
