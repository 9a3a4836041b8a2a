namespace JobQueue.Redis.Scripts;

/// <summary>
/// Every Lua script of the store, by name, with the arguments it takes. Each script is one atomic step on the server:
/// Redis runs a script to its end before any other command, so a lease, a finish with its batch accounting and callback
/// release, or a whole enqueue request can never be seen half done. The Lua itself is in Scripts/NAME.lua (the parts
/// several scripts share in Scripts/Parts/), embedded in the assembly and read once by <see cref="RedisScriptLoader"/>.
/// </summary>
/// <remarks>
/// <para>Key layout (schema 4, see <see cref="Migrate"/>), all under the prefix P (a hash tag such as "{jobqueue}:"
/// so every key of a deployment lives in one cluster slot): job:ID (hash), errors:ID (list of JSON), batch:ID
/// (hash), ready:QUEUE (zset, score -priority, member "runAt:seq:id" so equal priorities order by run time, then
/// enqueue order), scheduled / finished / bfinished (zsets scored by unix microseconds), idem:KEY
/// (holder id), the indexes qs:Q:S (one per queue and state), batchjobs:B and name:N (zsets scored by enqueue sequence),
/// the throughput counts tp:M and tpm (see RedisScripts.Admin), the flow keys run:KEY, starts:SCOPE and holds (see
/// RedisScripts.Flow),
/// queues (set of queue names), seq (the enqueue sequence) and schema (the layout version).</para>
/// <para>A job hash holds n (name), q, pr, a (arguments), o ("maxAttempts:timeoutTicks:retryDelayTicks:enqueuedAt",
/// changed only when a retry raises the maximum), ra (run at), seq, s (state), and as they apply at (attempt, absent before the first lease), ik,
/// tp, b, child, sa, fa, lt / le / w (lease: token, expiry, worker; a rescue finds expired leases among the members
/// of qs:Q:2 by their le), r, pp / pm (progress), lk (limit key), is / iu (idempotency scope when
/// not UntilSucceeded, and its end for ForPeriod). A batch hash holds s, total, ok, ko, ca, sj, fj, fa, and fp (failure
/// policy when FailFast), pb (parent batch) and cp (counted in the parent).</para>
/// <para>Times are stored as 19-digit zero-padded UTC tick strings so Lua compares them exactly as strings;
/// zset scores (microseconds) only narrow a range, and each candidate is re-checked against the ticks.</para>
/// <para>Every script receives KEYS[1] = P.."jobs" so a cluster routes it to the prefix's slot, and builds
/// its other key names from ARGV[1] = P: the key set of a script depends on data it reads, such as a batch's
/// callbacks, so it cannot be declared up front.</para>
/// </remarks>
internal static partial class RedisScripts
{
    /// <summary>The data layout the scripts write; <see cref="Migrate"/> brings older data up to it.</summary>
    public const string SchemaVersion = "4";

    /// <summary>ARGV: P. Returns 1 when it changed something, else 0. Safe to run any number of times, by any host.</summary>
    /// <remarks>
    /// Schema 1 kept three enqueue-order indexes beside qs:Q:S: jobs (every job), queue:Q and state:S. Schema 2
    /// answers those queries from qs:Q:S alone, so the old sets are only dead weight: every job in them is also in
    /// its qs:Q:S set, and no script reads them. They are unlinked (freed off the server's main thread). The check
    /// for P..'jobs' catches a host of the previous version that wrote them again after an earlier migration. Schema 3
    /// added name:N. Schema 4 drops leases (a zset of running jobs by lease expiry, written on every fetch and
    /// completion): the rescue reads the Running index qs:Q:2 and each job's le instead.
    /// </remarks>
    public static readonly RedisScript Migrate = RedisScriptLoader.Load("migrate");

    /// <summary>
    /// ARGV: P, nowTicks, nowUs, newBatchId or '', templateCount, the new batch's failure policy (a number) and parent batch or '', then per template the fields of
    /// <see cref="EnqueueTemplateFields"/>, then per job those of <see cref="EnqueueJobFields"/>.
    /// </summary>
    /// <remarks>
    /// A template holds what the jobs of a request usually share (kind, name, queue, priority, options, batch), so a
    /// bulk request, or concurrent enqueues coalesced into one, sends it and the script prepares its key names and
    /// hash values once instead of per job: a job's own fields are 8 arguments instead of 18.
    /// </remarks>
    public static readonly RedisScript Enqueue = RedisScriptLoader.Load("enqueue");

    /// <summary>
    /// <see cref="Enqueue"/> for a request of plain jobs only (no batch, no idempotency key, no callbacks), with the
    /// same arguments and reply and the same writes, without the prelude or the bookkeeping those features need.
    /// </summary>
    /// <remarks>
    /// Almost every enqueue is plain, and on the server the general script's checks, tables and helper closures
    /// are a large part of its cost (about 17 to 22 against 14 microseconds of server time for one job on Redis 7).
    /// Whatever changes the job layout changes both scripts; RedisJobStorageTests compares what they write.
    /// </remarks>
    public static readonly RedisScript EnqueuePlain = RedisScriptLoader.Load("enqueue-plain");

    /// <summary>Per-template ARGV fields of <see cref="Enqueue"/>, in order: kind ('c' child or plain job, 's' / 'f' success / failure callback), name, queue, priority, maxAttempts, timeoutTicks, retryDelayTicks, batch or '', idempotencyScope (a number), idempotencyUntilTicks or '', replaceOnConflict ('1' / '0').</summary>
    public const int EnqueueTemplateFields = 11;

    /// <summary>Per-job ARGV fields of <see cref="Enqueue"/>, in order: template number (from 1), id, arguments, idempotencyKey or '', runAtTicks, runAtUs, traceParent or '', limitKey or ''.</summary>
    public const int EnqueueJobFields = 8;

    /// <summary>ARGV: P, queue, limit, nowTicks, token, leaseTicks, worker.</summary>
    /// <remarks>
    /// The fetch without limits. Holds (see RedisScripts.Flow) apply to it too: without any it pays one HLEN; a held job
    /// goes back where it was, and at most 1,000 held jobs are passed over in one call.
    /// </remarks>
    public static readonly RedisScript Fetch = RedisScriptLoader.Load("fetch");

    /// <summary>ARGV: P, then per item id, token, expiryTicks.</summary>
    public static readonly RedisScript Extend = RedisScriptLoader.Load("extend");

    /// <summary>ARGV: P, then per item id, token, hasResult ('1'/'0'), result, nowTicks, nowUs.</summary>
    public static readonly RedisScript Complete = RedisScriptLoader.Load("complete");

    /// <summary>ARGV: P, then per item id, token, errorJson, hasRetry, retryTicks, retryUs, nowTicks, nowUs.</summary>
    public static readonly RedisScript Fail = RedisScriptLoader.Load("fail");

    /// <summary>ARGV: P, then per item id, token, runTicks, runUs, nowTicks.</summary>
    public static readonly RedisScript Reschedule = RedisScriptLoader.Load("reschedule");

    /// <summary>ARGV: P, then per item id, token, percent, hasMessage, message.</summary>
    public static readonly RedisScript Progress = RedisScriptLoader.Load("progress");

    /// <summary>ARGV: P, nowTicks, nowUs, limit, errorType, errorMessage.</summary>
    public static readonly RedisScript Rescue = RedisScriptLoader.Load("rescue");

    /// <summary>ARGV: P, nowTicks, nowUs, limit.</summary>
    public static readonly RedisScript Promote = RedisScriptLoader.Load("promote");

    /// <summary>ARGV: P, nowTicks, nowUs, ids...; per id 0 not found, 1 already finished, 2 cancelled, 3 cancelled while running.</summary>
    public static readonly RedisScript Cancel = RedisScriptLoader.Load("cancel");

    /// <summary>ARGV: P, ids...; per id the job (id, hash, errors) or null.</summary>
    public static readonly RedisScript Get = RedisScriptLoader.Load("get");

    /// <summary>ARGV: P; per queue with any job: name, then counts of states 0 to 6.</summary>
    public static readonly RedisScript Statistics = RedisScriptLoader.Load("statistics");

    /// <summary>ARGV: P; per queue with ready jobs: name, count, the earliest run time among them (ticks).</summary>
    /// <remarks>
    /// Reads only the ready sets. Within one score (priority) a ready set orders its members, 'runAt:seq:id', by run
    /// time, so the first member of each score group is that group's oldest: the walk jumps from group to group, one
    /// call per distinct priority, never over the whole backlog.
    /// </remarks>
    public static readonly RedisScript ReadyQueues = RedisScriptLoader.Load("ready-queues");

    /// <summary>ARGV: P, cutoffTicks, cutoffUs, limit.</summary>
    public static readonly RedisScript Prune = RedisScriptLoader.Load("prune");
}
