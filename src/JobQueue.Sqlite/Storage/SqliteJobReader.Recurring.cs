using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

// Recurring jobs: reads.
internal sealed partial class SqliteJobReader
{
    public IReadOnlyList<StoredRecurringJob> GetRecurring(string? id)
    {
        using SqliteCommand command = id is null
            ? _commands.Create(RecurringSql.SelectAll)
            : _commands.Create(RecurringSql.SelectOne).With("$id", id);
        return ReadAllRecurring(command);
    }

    public RecurringDueJobs GetDueRecurring(RecurringDueRequest request)
    {
        using SqliteCommand due = _commands.Create(RecurringSql.SelectDue)
            .With("$now", request.Now)
            .With("$after", request.AfterId)
            .With("$limit", request.Limit);
        IReadOnlyList<StoredRecurringJob> jobs = ReadAllRecurring(due);
        using SqliteCommand next = _commands.Create(RecurringSql.NextDue).With("$now", request.Now);
        return new RecurringDueJobs
        {
            Jobs = jobs,
            NextDueAt = next.ExecuteScalar() is long ticks ? SqliteTime.FromStored(ticks) : null,
        };
    }

    /// <summary>Reads a row of <see cref="RecurringSql.Columns"/>.</summary>
    internal static StoredRecurringJob ReadRecurring(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Cron = reader.GetString(2),
        TimeZone = reader.GetString(3),
        Arguments = reader.GetFieldValue<byte[]>(4),
        Queue = reader.IsDBNull(5) ? null : reader.GetString(5),
        Priority = reader.IsDBNull(6) ? null : reader.GetInt32(6),
        Misfire = (MisfirePolicy)reader.GetInt32(7),
        MaxCatchUp = reader.GetInt32(8),
        Overlap = (OverlapPolicy)reader.GetInt32(9),
        Paused = reader.GetInt64(10) != 0,
        NextRunAt = SqliteTime.FromStored(reader.GetInt64(11)),
        Version = reader.GetInt64(12),
        LastRunAt = StoredJobReader.ReadTime(reader, 13),
        LastJobId = reader.IsDBNull(14) || !StoredJobReader.TryParseId(reader.GetString(14), out Guid last) ? null : new JobId(last),
        LastSkippedAt = StoredJobReader.ReadTime(reader, 15),
        DeclaredAt = StoredJobReader.ReadTime(reader, 16),
        CreatedAt = SqliteTime.FromStored(reader.GetInt64(17)),
        UpdatedAt = SqliteTime.FromStored(reader.GetInt64(18)),
    };

    private static List<StoredRecurringJob> ReadAllRecurring(SqliteCommand command)
    {
        var jobs = new List<StoredRecurringJob>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            jobs.Add(ReadRecurring(reader));
        }

        return jobs;
    }
}
