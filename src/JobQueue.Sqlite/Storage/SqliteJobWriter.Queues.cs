using JobQueue.Hosts;
using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteJobWriter
{
    public bool PauseQueue(PauseQueueRequest request)
        => _commands.Get(QueueSql.Pause).With("$queue", request.Queue).With("$now", request.Now).ExecuteNonQuery() == 1;

    public bool ResumeQueue(ResumeQueueRequest request)
    {
        bool resumed = _commands.Get(QueueSql.Resume).With("$queue", request.Queue).ExecuteNonQuery() == 1;
        if (resumed)
        {
            // Idle workers of the queue in this process start at once; other processes' at their next poll.
            Effects.ReadyQueues.Add(request.Queue);
        }

        return resumed;
    }

    public bool RecordHeartbeat(HostHeartbeat heartbeat)
    {
        _commands.Get(HostSql.Upsert)
            .With("$id", heartbeat.HostId)
            .With("$machine_name", heartbeat.MachineName)
            .With("$process_id", heartbeat.ProcessId)
            .With("$started_at", heartbeat.StartedAt)
            .With("$version", heartbeat.Version)
            .With("$queues", HostQueuesJson.Write(heartbeat.Queues))
            .With("$running", heartbeat.Running)
            .With("$interval_ticks", heartbeat.Interval.Ticks)
            .With("$seen_at", heartbeat.SeenAt)
            .With("$expires_at", heartbeat.ExpiresAt)
            .ExecuteNonQuery();
        return true;
    }

    public bool RemoveHost(RemoveHostRequest request)
        => _commands.Get(HostSql.Remove).With("$id", request.HostId).ExecuteNonQuery() == 1;

    public int PruneHosts(PruneHostsRequest request)
        => _commands.Get(HostSql.Prune).With("$now", request.Now).With("$limit", request.Limit).ExecuteNonQuery();
}
