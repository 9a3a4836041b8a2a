using System.Globalization;
using JobQueue.Administration;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

// Job administration: pages of jobs and the throughput counts.
internal sealed partial class SqliteJobReader
{
    public StoredJobPage QueryPage(JobQuery query)
    {
        long? after = JobQueryText.ParsePosition(query.After);
        string? text = string.IsNullOrEmpty(query.Text) ? null : JobQueryText.AsciiLower(query.Text);
        var jobs = new List<StoredJob>();
        string? next = null;
        if (query.Limit > 0)
        {
            using SqliteCommand page = Bind(_commands.Create(AdminSql.Page(query, after is not null)), query, text)
                .With("$after", after)
                .With("$limit", (long)query.Limit + 1);
            using SqliteDataReader reader = page.ExecuteReader();
            long lastSeq = 0;
            while (reader.Read())
            {
                if (jobs.Count == query.Limit)
                {
                    next = lastSeq.ToString(CultureInfo.InvariantCulture);
                    break;
                }

                jobs.Add(StoredJobReader.Read(reader));
                lastSeq = reader.GetInt64(StoredJobReader.SeqOrdinal);
            }
        }

        long counted = 0;
        if (query.CountLimit > 0)
        {
            using SqliteCommand count = Bind(_commands.Create(AdminSql.Count(query)), query, text)
                .With("$count_limit", (long)query.CountLimit + 1);
            counted = (long)count.ExecuteScalar()!;
        }

        return new StoredJobPage
        {
            Jobs = jobs,
            Next = next,
            Total = Math.Min(counted, query.CountLimit),
            TotalIsExact = counted <= query.CountLimit,
        };
    }

    public IReadOnlyList<ThroughputBucket> GetThroughput(ThroughputQuery query)
    {
        using SqliteCommand command = _commands.Create(AdminSql.Throughput).With("$since", query.Since);
        using SqliteDataReader reader = command.ExecuteReader();
        var buckets = new List<ThroughputBucket>();
        while (reader.Read())
        {
            buckets.Add(new ThroughputBucket
            {
                Minute = SqliteTime.FromStored(reader.GetInt64(0)),
                Queue = reader.GetString(1),
                Succeeded = reader.GetInt64(2),
                Failed = reader.GetInt64(3),
            });
        }

        return buckets;
    }

    private static SqliteCommand Bind(SqliteCommand command, JobQuery query, string? text) => command
        .With("$queue", query.Queue)
        .With("$name", query.Name)
        .With("$batch_id", query.BatchId)
        .With("$text", text);
}
