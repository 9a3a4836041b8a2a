namespace JobQueue.Redis.Scripts;

// Recurring jobs (new keys only, under the same prefix P, so a cluster keeps them in the prefix's slot):
// recurring:job:ID (hash), recurring:due (zset of the schedules not paused, scored by next run time in microseconds),
// recurring:ids (zset of every id, all scored 0, so it reads in byte order) and recurring:declared (zset of the
// schedules declared in code, scored by declaration time in microseconds).
// A schedule's hash holds n (job name), c (cron), z (time zone), a (arguments), q and pr (queue and priority,
// absent for the job type's), mf (misfire), mc (max catch-up), ov (overlap), p ('1' paused), nr (next run), v
// (version), lr / lj (last run time and job), ls (last skip), d (declaration time, absent for a schedule managed at run
// time), ca and ua (created and updated); times as 19-digit tick strings, like the jobs'.
internal static partial class RedisScripts
{
    /// <summary>The fields of one definition in <see cref="RecurringUpsert"/>'s ARGV.</summary>
    public const int RecurringDefinitionFields = 14;

    /// <summary>
    /// ARGV: P, nowTicks, nowUs, declared ('1' or '0'), then per definition <see cref="RecurringDefinitionFields"/> fields:
    /// id, name, cron, zone, arguments, hasQueue, queue, hasPriority, priority, misfire, maxCatchUp, overlap, nextRunTicks,
    /// nextRunUs. Returns per definition 0 created, 1 updated, 2 unchanged.
    /// </summary>
    public static readonly RedisScript RecurringUpsert = RedisScriptLoader.Load("recurring-upsert");

    /// <summary>ARGV: P, id. Returns 1 when the schedule existed.</summary>
    public static readonly RedisScript RecurringRemove = RedisScriptLoader.Load("recurring-remove");

    /// <summary>ARGV: P, id, paused ('1' or '0'), nextRunTicks, nextRunUs, nowTicks. Returns 1 when the schedule exists.</summary>
    public static readonly RedisScript RecurringPause = RedisScriptLoader.Load("recurring-pause");

    /// <summary>ARGV: P, id or '' for all. Returns per schedule its id and its hash (HGETALL), in id order: one snapshot.</summary>
    public static readonly RedisScript RecurringGet = RedisScriptLoader.Load("recurring-get");

    /// <summary>
    /// ARGV: P, nowTicks, nowUs, limit, afterId or ''. Returns the earliest next run after now ('' when none), then per due
    /// schedule (ordered by id, at most limit) its id and hash. Scores only narrow the range: each candidate's next run
    /// is compared exactly, as ticks.
    /// </summary>
    public static readonly RedisScript RecurringDue = RedisScriptLoader.Load("recurring-due");

    /// <summary>
    /// ARGV: P, id, version, expectedTicks, newNextTicks, newNextUs, skipIfUnfinished ('1' or '0'), overlapSkipTicks,
    /// skippedTicks or '', lastRunTicks or '', lastJobId or '', then <see cref="EnqueuePlain"/>'s ARGV for the jobs (none:
    /// nothing follows). Returns 0 claimed, 1 skipped (overlap), 2 conflict.
    /// </summary>
    public static readonly RedisScript RecurringClaim = RedisScriptLoader.Load("recurring-claim");

    /// <summary>ARGV: P, id, runTicks, jobId, then <see cref="EnqueuePlain"/>'s ARGV for the job. Returns 1 when the schedule exists.</summary>
    public static readonly RedisScript RecurringTrigger = RedisScriptLoader.Load("recurring-trigger");

    /// <summary>ARGV: P, nowTicks, nowUs, ids... Returns per id 1 when renewed (it exists and is declared in code).</summary>
    public static readonly RedisScript RecurringDeclare = RedisScriptLoader.Load("recurring-declare");

    /// <summary>ARGV: P, beforeTicks, beforeUs, limit. Deletes schedules declared before the time; returns their ids.</summary>
    public static readonly RedisScript RecurringPrune = RedisScriptLoader.Load("recurring-prune");
}
