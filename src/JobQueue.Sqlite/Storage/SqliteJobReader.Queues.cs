using JobQueue.Hosts;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteJobReader
{
    public IReadOnlyList<PausedQueue> GetPausedQueues()
    {
        using SqliteCommand command = _commands.Create(QueueSql.SelectPaused);
        using SqliteDataReader reader = command.ExecuteReader();
        var paused = new List<PausedQueue>();
        while (reader.Read())
        {
            paused.Add(new PausedQueue { Queue = reader.GetString(0), PausedAt = Time(reader, 1) });
        }

        // Sorted here rather than by SQL: SQLite's BINARY collation orders UTF-8 bytes, not .NET's ordinal UTF-16 order.
        paused.Sort(static (a, b) => string.CompareOrdinal(a.Queue, b.Queue));
        return paused;
    }

    public IReadOnlyList<HostHeartbeat> GetHosts()
    {
        using SqliteCommand command = _commands.Create(HostSql.SelectHosts);
        using SqliteDataReader reader = command.ExecuteReader();
        var hosts = new List<HostHeartbeat>();
        while (reader.Read())
        {
            hosts.Add(new HostHeartbeat
            {
                HostId = reader.GetString(0),
                MachineName = reader.GetString(1),
                ProcessId = reader.GetInt32(2),
                StartedAt = Time(reader, 3),
                Version = reader.GetString(4),
                Queues = HostQueuesJson.Read(reader.IsDBNull(5) ? null : reader.GetString(5)),
                Running = reader.GetInt32(6),
                Interval = TimeSpan.FromTicks(reader.GetInt64(7)),
                SeenAt = Time(reader, 8),
                ExpiresAt = Time(reader, 9),
            });
        }

        hosts.Sort(static (a, b) => string.CompareOrdinal(a.HostId, b.HostId));
        return hosts;
    }

    /// <summary>A stored time; one outside the years DateTimeOffset holds (a damaged row) reads as the earliest.</summary>
    private static DateTimeOffset Time(SqliteDataReader reader, int ordinal)
        => SqliteTime.TryFromStored(reader.GetInt64(ordinal), out DateTimeOffset time) ? time : DateTimeOffset.MinValue;
}
