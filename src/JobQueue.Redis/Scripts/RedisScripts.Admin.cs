namespace JobQueue.Redis.Scripts;

// Job administration: listing pages of jobs, retry, delete, and the throughput counts. Keys, all under the prefix P
// (so a cluster keeps them in the prefix's slot): name:N (zset of a name's jobs scored by enqueue sequence, schema
// 3), tp:M (hash per minute M, whole minutes since the Unix epoch: fields "s:QUEUE" and "f:QUEUE" count the attempts
// that succeeded and failed) and tpm (zset of the minutes that have a tp:M, scored by M).
internal static partial class RedisScripts
{
    /// <summary>
    /// The job filter of a listing, and the walk over the sorted sets that hold its candidates, newest first.
    /// ARGV: P, queue or '', state or '', batch or '', name or '', text (A to Z folded to lower case) or '', after
    /// (a sequence) or '', limit, countLimit.
    /// </summary>
    /// <remarks>
    /// The candidates come from the smallest index that holds every match: the batch's set, the name's set, or the
    /// per-queue-per-state sets the filter spans (merged; queues are few). Each set is scored by the enqueue sequence,
    /// which is unique, so a page continues strictly below the last sequence it showed, and reads only its range.
    /// Filters the set does not guarantee (and the text) are checked per job.
    /// </remarks>
    public static readonly RedisScript QueryPage = RedisScriptLoader.Load("query-page");

    /// <summary>
    /// ARGV: P, nowTicks, nowUs, ids...; per id a <see cref="JobQueue.Storage.RetryOutcome"/> number. Each job is checked and
    /// retried in this one script, so nothing can change between the check and the write.
    /// </summary>
    public static readonly RedisScript Retry = RedisScriptLoader.Load("retry");

    /// <summary>ARGV: P, ids...; per id 0 not found, 1 deleted, 2 not finished. Deletes as prune does, with every index entry.</summary>
    public static readonly RedisScript Delete = RedisScriptLoader.Load("delete");

    /// <summary>ARGV: P, the first minute to read. Returns per minute: the minute, then its hash (field, count, ...).</summary>
    public static readonly RedisScript Throughput = RedisScriptLoader.Load("throughput");

    /// <summary>ARGV: P, the first minute to keep, limit. Deletes up to limit (minute, queue) counts, oldest first.</summary>
    public static readonly RedisScript PruneThroughput = RedisScriptLoader.Load("prune-throughput");
}
