using JobQueue.Statistics;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

/// <summary>The reading SPI operations on one connection; several reads in one transaction see one snapshot.</summary>
internal sealed partial class SqliteJobReader
{
    private readonly SqliteCommands _commands;

    public SqliteJobReader(SqliteConnection connection, SqliteTransaction? transaction)
    {
        _commands = new SqliteCommands(connection, transaction);
    }

    public IReadOnlyList<StoredJob?> GetJobs(IReadOnlyList<JobId> ids)
    {
        using SqliteCommand command = _commands.Create(JobSql.SelectJobById).WithNull("$id");
        var jobs = new StoredJob?[ids.Count];
        for (int i = 0; i < ids.Count; i++)
        {
            command.Set("$id", StoredJobReader.Format(ids[i].Value));
            using SqliteDataReader reader = command.ExecuteReader();
            jobs[i] = reader.Read() ? StoredJobReader.Read(reader) : null;
        }

        return jobs;
    }

    /// <summary>The job's state, or null when it does not exist; Failed for a state that is none, as the job reader shows it.</summary>
    public JobState? GetState(JobId id)
    {
        using SqliteCommand command = _commands.Create(JobSql.SelectStateById).With("$id", id);
        return command.ExecuteScalar() switch
        {
            null => null,
            long state and >= (long)JobState.Scheduled and <= (long)JobState.Awaiting => (JobState)state,
            _ => JobState.Failed,
        };
    }

    public StoredBatch? GetBatch(BatchId id)
    {
        using SqliteCommand command = _commands.Create(JobSql.SelectBatch).With("$id", (BatchId?)id);
        using SqliteDataReader reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new StoredBatch
        {
            Id = id,
            State = (BatchState)reader.GetInt32(1),
            Total = reader.GetInt32(2),
            Succeeded = reader.GetInt32(3),
            Failed = reader.GetInt32(4),
            SuccessJobId = reader.IsDBNull(5) ? null : new JobId(Guid.Parse(reader.GetString(5))),
            FailureJobId = reader.IsDBNull(6) ? null : new JobId(Guid.Parse(reader.GetString(6))),
            CreatedAt = SqliteTime.FromStored(reader.GetInt64(7)),
            FinishedAt = StoredJobReader.ReadTime(reader, 8),
            FailurePolicy = (BatchFailurePolicy)reader.GetInt32(9),
            ParentBatchId = reader.IsDBNull(10) ? null : new BatchId(Guid.Parse(reader.GetString(10))),
        };
    }

    public IReadOnlyList<ReadyQueue> GetReadyQueues()
    {
        using SqliteCommand command = _commands.Create(JobSql.ReadyQueues);
        using SqliteDataReader reader = command.ExecuteReader();
        var ready = new List<ReadyQueue>();
        while (reader.Read())
        {
            ready.Add(new ReadyQueue { Queue = reader.GetString(0), Count = reader.GetInt64(1), OldestRunAt = SqliteTime.FromStored(reader.GetInt64(2)) });
        }

        return ready;
    }

    public IReadOnlyList<QueueStatistics> GetQueueStatistics()
    {
        using SqliteCommand command = _commands.Create(JobSql.QueueStatistics);
        using SqliteDataReader reader = command.ExecuteReader();
        var statistics = new QueueStatisticsBuilder();
        while (reader.Read())
        {
            // A state that is not even a number (a damaged row) is no state: the builder counts it as Failed.
            long state = reader.GetFieldType(1) == typeof(long) ? reader.GetInt64(1) : -1;
            statistics.Add(reader.GetString(0), state, reader.GetInt64(2));
        }

        return statistics.Build();
    }
}
