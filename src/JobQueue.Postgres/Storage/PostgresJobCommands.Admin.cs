using System.Globalization;
using JobQueue.Administration;
using JobQueue.Storage;
using Npgsql;
using NpgsqlTypes;

namespace JobQueue.Postgres.Storage;

// Job administration: pages of jobs, retry, delete and the throughput counts.
internal sealed partial class PostgresJobCommands
{
    public async Task<StoredJobPage> QueryJobsAsync(NpgsqlConnection connection, JobQuery query, CancellationToken cancellationToken)
    {
        long? after = JobQueryText.ParsePosition(query.After);
        string? text = string.IsNullOrEmpty(query.Text) ? null : JobQueryText.AsciiLower(query.Text);
        var jobs = new List<StoredJob>();
        string? next = null;
        if (query.Limit > 0)
        {
            await using var page = new NpgsqlCommand(Sql.Admin.Page(query, after is not null), connection);
            Bind(page.Parameters, query, text);
            page.Parameters.Add(new NpgsqlParameter<long>("after", after ?? 0));
            page.Parameters.Add(new NpgsqlParameter<long>("limit", (long)query.Limit + 1));
            await using NpgsqlDataReader reader = await page.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            long lastSeq = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (jobs.Count == query.Limit)
                {
                    next = lastSeq.ToString(CultureInfo.InvariantCulture);
                    break;
                }

                jobs.Add(JobReader.Read(reader, out _));
                lastSeq = reader.GetInt64(24);
            }
        }

        long counted = 0;
        if (query.CountLimit > 0)
        {
            await using var count = new NpgsqlCommand(Sql.Admin.Count(query), connection);
            Bind(count.Parameters, query, text);
            count.Parameters.Add(new NpgsqlParameter<long>("count_limit", (long)query.CountLimit + 1));
            counted = await ScalarLongAsync(count, cancellationToken).ConfigureAwait(false);
        }

        return new StoredJobPage
        {
            Jobs = jobs,
            Next = next,
            Total = Math.Min(counted, query.CountLimit),
            TotalIsExact = counted <= query.CountLimit,
        };
    }

    public async Task<IReadOnlyList<RetryOutcome>> RetryAsync(NpgsqlConnection connection, RetryRequest request, CancellationToken cancellationToken)
    {
        var outcomes = new RetryOutcome[request.Ids.Count];
        for (int i = 0; i < outcomes.Length; i++)
        {
            await using var command = new NpgsqlCommand(Sql.Admin.Retry, connection);
            command.Parameters.Add(Uuid("id", request.Ids[i].Value));
            command.Parameters.Add(Time("now", request.Now));
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            outcomes[i] = reader.IsDBNull(0) ? RetryOutcome.NotFound : (RetryOutcome)reader.GetInt32(0);
        }

        return outcomes;
    }

    public async Task<IReadOnlyList<DeleteOutcome>> DeleteAsync(NpgsqlConnection connection, DeleteRequest request, CancellationToken cancellationToken)
    {
        var outcomes = new DeleteOutcome[request.Ids.Count];
        for (int i = 0; i < outcomes.Length; i++)
        {
            await using var command = new NpgsqlCommand(Sql.Admin.Delete, connection);
            command.Parameters.Add(Uuid("id", request.Ids[i].Value));
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            outcomes[i] = reader.GetInt64(0) == 0 ? DeleteOutcome.NotFound
                : reader.GetInt64(1) > 0 ? DeleteOutcome.Deleted
                : DeleteOutcome.NotFinished;
        }

        return outcomes;
    }

    public async Task<IReadOnlyList<ThroughputBucket>> GetThroughputAsync(NpgsqlConnection connection, ThroughputQuery query, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.Admin.Throughput, connection);
        command.Parameters.Add(Time("since", query.Since));
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var buckets = new List<ThroughputBucket>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            buckets.Add(new ThroughputBucket
            {
                Minute = new DateTimeOffset(reader.GetFieldValue<DateTime>(0).Ticks, TimeSpan.Zero),
                Queue = reader.GetString(1),
                Succeeded = reader.GetInt64(2),
                Failed = reader.GetInt64(3),
            });
        }

        return buckets;
    }

    public async Task<int> PruneThroughputAsync(NpgsqlConnection connection, ThroughputPruneRequest request, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql.Admin.PruneThroughput, connection);
        command.Parameters.Add(Time("before", request.Before));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", request.Limit));
        return (int)await ScalarLongAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static void Bind(NpgsqlParameterCollection parameters, JobQuery query, string? text)
    {
        if (query.Queue is not null)
        {
            parameters.Add(Text("queue", query.Queue));
        }

        if (query.Name is not null)
        {
            parameters.Add(Text("name", query.Name));
        }

        if (query.BatchId is { } batchId)
        {
            parameters.Add(Uuid("batch_id", batchId.Value));
        }

        if (text is not null)
        {
            parameters.Add(new NpgsqlParameter("text", NpgsqlDbType.Text) { Value = text });
        }
    }
}
