using System.Globalization;
using JobQueue.Administration;
using JobQueue.Redis.Scripts;
using JobQueue.Storage;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

// Job administration: listing, retry, delete and the throughput counts, each one script (atomic on the server).
internal sealed partial class RedisJobStorage
{
    private const long MicrosecondsPerMinute = 60_000_000;

    public async ValueTask<StoredJobPage> QueryJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        AdminArguments.Check(query);
        if (query.After is { } after && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ArgumentException($"JobQuery.After is '{after}', which is not a position this store made (a page's Next).", nameof(query));
        }

        RedisValue[] args = new RedisArguments(9)
            .Add(_prefix)
            .Add(query.Queue ?? string.Empty)
            .Add(query.State is JobState state ? ((int)state).ToString(CultureInfo.InvariantCulture) : string.Empty)
            .Add(query.BatchId?.ToString() ?? string.Empty)
            .Add(query.Name ?? string.Empty)
            .Add(string.IsNullOrEmpty(query.Text) ? string.Empty : JobQueryText.AsciiLower(query.Text))
            .Add(query.After ?? string.Empty)
            .Add(query.Limit)
            .Add(query.CountLimit)
            .ToArray();
        RedisResult[] reply = (RedisResult[])(await EvalAsync(RedisScripts.QueryPage, args, cancellationToken).ConfigureAwait(false))!;
        long counted = (long)reply[1];
        return new StoredJobPage
        {
            Jobs = [.. ((RedisResult[])reply[2]!).Select(RedisJobReader.ReadJob).OfType<StoredJob>()],
            Next = reply[0].IsNull || reply[0].Resp2Type == ResultType.Integer ? null : (string?)reply[0],
            Total = Math.Min(counted, query.CountLimit),
            TotalIsExact = counted <= query.CountLimit,
        };
    }

    public async ValueTask<IReadOnlyList<RetryOutcome>> RetryAsync(RetryRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        if (request.Ids.Count == 0)
        {
            return [];
        }

        var args = new RedisArguments(3 + request.Ids.Count, request.Ids.Count * 36);
        args.Add(_prefix).AddTicks(request.Now).AddScore(request.Now);
        foreach (JobId id in request.Ids)
        {
            args.Add(id.Value);
        }

        RedisResult[] reply = (RedisResult[])(await EvalAsync(RedisScripts.Retry, args.ToArray(), cancellationToken).ConfigureAwait(false))!;
        return [.. reply.Select(static outcome => (RetryOutcome)(int)(long)outcome)];
    }

    public async ValueTask<IReadOnlyList<DeleteOutcome>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        if (request.Ids.Count == 0)
        {
            return [];
        }

        var args = new RedisArguments(1 + request.Ids.Count, request.Ids.Count * 36);
        args.Add(_prefix);
        foreach (JobId id in request.Ids)
        {
            args.Add(id.Value);
        }

        RedisResult[] reply = (RedisResult[])(await EvalAsync(RedisScripts.Delete, args.ToArray(), cancellationToken).ConfigureAwait(false))!;
        return [.. reply.Select(static outcome => (long)outcome switch
        {
            0 => DeleteOutcome.NotFound,
            1 => DeleteOutcome.Deleted,
            _ => DeleteOutcome.NotFinished,
        })];
    }

    public async ValueTask<IReadOnlyList<ThroughputBucket>> GetThroughputAsync(ThroughputQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        RedisValue[] args = new RedisArguments(2).Add(_prefix).Add(FirstMinuteAtOrAfter(query.Since)).ToArray();
        RedisResult[] reply = (RedisResult[])(await EvalAsync(RedisScripts.Throughput, args, cancellationToken).ConfigureAwait(false))!;
        var buckets = new List<ThroughputBucket>();
        for (int i = 0; i + 1 < reply.Length; i += 2)
        {
            long minute = long.Parse((string)reply[i]!, NumberStyles.Integer, CultureInfo.InvariantCulture);
            DateTimeOffset start = DateTimeOffset.UnixEpoch.AddMinutes(minute);
            RedisResult[] hash = (RedisResult[])reply[i + 1]!;
            var byQueue = new SortedDictionary<string, (long Succeeded, long Failed)>(StringComparer.Ordinal);
            for (int f = 0; f + 1 < hash.Length; f += 2)
            {
                string field = (string)hash[f]!;
                if (field.Length < 2 || field[1] != ':' || !long.TryParse((string)hash[f + 1]!, NumberStyles.Integer, CultureInfo.InvariantCulture, out long count))
                {
                    continue; // not a count this store wrote
                }

                string queue = field[2..];
                (long succeeded, long failed) = byQueue.GetValueOrDefault(queue);
                byQueue[queue] = field[0] == 's' ? (succeeded + count, failed) : (succeeded, failed + count);
            }

            foreach ((string queue, (long succeeded, long failed)) in byQueue)
            {
                buckets.Add(new ThroughputBucket { Minute = start, Queue = queue, Succeeded = succeeded, Failed = failed });
            }
        }

        return buckets;
    }

    public async ValueTask<int> PruneThroughputAsync(ThroughputPruneRequest request, CancellationToken cancellationToken)
    {
        AdminArguments.Check(request);
        RedisValue[] args = new RedisArguments(3).Add(_prefix).Add(FirstMinuteAtOrAfter(request.Before)).Add(request.Limit).ToArray();
        return checked((int)(long)await EvalAsync(RedisScripts.PruneThroughput, args, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The first whole minute since the Unix epoch that starts at or after <paramref name="time"/>.</summary>
    private static long FirstMinuteAtOrAfter(DateTimeOffset time)
    {
        long microseconds = RedisValues.Score(time);
        long minute = Math.DivRem(microseconds, MicrosecondsPerMinute, out long rest);
        return rest > 0 ? minute + 1 : minute;
    }
}
