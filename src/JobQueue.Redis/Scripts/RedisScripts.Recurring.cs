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
    private static RedisScript? s_recurringClaim;
    private static RedisScript? s_recurringTrigger;

    /// <summary>The fields of one definition in <see cref="RecurringUpsert"/>'s ARGV.</summary>
    public const int RecurringDefinitionFields = 14;

    /// <summary>
    /// ARGV: P, nowTicks, nowUs, declared ('1' or '0'), then per definition <see cref="RecurringDefinitionFields"/> fields:
    /// id, name, cron, zone, arguments, hasQueue, queue, hasPriority, priority, misfire, maxCatchUp, overlap, nextRunTicks,
    /// nextRunUs. Returns per definition 0 created, 1 updated, 2 unchanged.
    /// </summary>
    public static readonly RedisScript RecurringUpsert = new("recurring-upsert", """
        local P, nowt, nowus, decl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local out = {}
        for o = 5, #ARGV, 14 do
          local id, name, cron, zone, args = ARGV[o], ARGV[o + 1], ARGV[o + 2], ARGV[o + 3], ARGV[o + 4]
          local q, pr = false, false
          if ARGV[o + 5] == '1' then q = ARGV[o + 6] end
          if ARGV[o + 7] == '1' then pr = ARGV[o + 8] end
          local mf, mc, ov, nrt, nrus = ARGV[o + 9], ARGV[o + 10], ARGV[o + 11], ARGV[o + 12], ARGV[o + 13]
          local k = P .. 'recurring:job:' .. id
          local cur = redis.call('HMGET', k, 'n', 'c', 'z', 'a', 'q', 'pr', 'mf', 'mc', 'ov', 'p', 'v')
          local outcome
          if not cur[11] then
            redis.call('HSET', k, 'n', name, 'c', cron, 'z', zone, 'a', args, 'mf', mf, 'mc', mc, 'ov', ov, 'p', '0', 'nr', nrt,
              'v', '1', 'ca', nowt, 'ua', nowt)
            if q then redis.call('HSET', k, 'q', q) end
            if pr then redis.call('HSET', k, 'pr', pr) end
            redis.call('ZADD', P .. 'recurring:due', nrus, id)
            redis.call('ZADD', P .. 'recurring:ids', 0, id)
            outcome = 0
          elseif cur[1] == name and cur[2] == cron and cur[3] == zone and cur[4] == args and cur[5] == q and cur[6] == pr
              and cur[7] == mf and cur[8] == mc and cur[9] == ov then
            outcome = 2
          else
            -- A new cron or time zone restarts the schedule at the given next run time; other changes keep it.
            if cur[2] ~= cron or cur[3] ~= zone then
              redis.call('HSET', k, 'nr', nrt)
              if cur[10] ~= '1' then redis.call('ZADD', P .. 'recurring:due', nrus, id) end
            end
            redis.call('HSET', k, 'n', name, 'c', cron, 'z', zone, 'a', args, 'mf', mf, 'mc', mc, 'ov', ov, 'ua', nowt)
            if q then redis.call('HSET', k, 'q', q) else redis.call('HDEL', k, 'q') end
            if pr then redis.call('HSET', k, 'pr', pr) else redis.call('HDEL', k, 'pr') end
            redis.call('HINCRBY', k, 'v', 1)
            outcome = 1
          end
          if decl == '1' then
            redis.call('HSET', k, 'd', nowt)
            redis.call('ZADD', P .. 'recurring:declared', nowus, id)
          else
            redis.call('HDEL', k, 'd')
            redis.call('ZREM', P .. 'recurring:declared', id)
          end
          out[#out + 1] = outcome
        end
        return out
        """);

    /// <summary>ARGV: P, id. Returns 1 when the schedule existed.</summary>
    public static readonly RedisScript RecurringRemove = new("recurring-remove", """
        local P, id = ARGV[1], ARGV[2]
        local removed = redis.call('DEL', P .. 'recurring:job:' .. id)
        redis.call('ZREM', P .. 'recurring:due', id)
        redis.call('ZREM', P .. 'recurring:ids', id)
        redis.call('ZREM', P .. 'recurring:declared', id)
        return removed
        """);

    /// <summary>ARGV: P, id, paused ('1' or '0'), nextRunTicks, nextRunUs, nowTicks. Returns 1 when the schedule exists.</summary>
    public static readonly RedisScript RecurringPause = new("recurring-pause", """
        local P, id, paused, nrt, nrus, nowt = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
        local k = P .. 'recurring:job:' .. id
        local p = redis.call('HGET', k, 'p')
        if not p then return 0 end
        if p ~= paused then
          redis.call('HSET', k, 'p', paused, 'ua', nowt)
          redis.call('HINCRBY', k, 'v', 1)
          if paused == '1' then
            redis.call('ZREM', P .. 'recurring:due', id)
          else
            redis.call('HSET', k, 'nr', nrt)
            redis.call('ZADD', P .. 'recurring:due', nrus, id)
          end
        end
        return 1
        """);

    /// <summary>ARGV: P, id or '' for all. Returns per schedule its id and its hash (HGETALL), in id order: one snapshot.</summary>
    public static readonly RedisScript RecurringGet = new("recurring-get", """
        local P, one = ARGV[1], ARGV[2]
        local ids
        if one ~= '' then ids = { one } else ids = redis.call('ZRANGE', P .. 'recurring:ids', 0, -1) end
        local out = {}
        for _, id in ipairs(ids) do
          local h = redis.call('HGETALL', P .. 'recurring:job:' .. id)
          if #h > 0 then
            out[#out + 1] = id
            out[#out + 1] = h
          end
        end
        return out
        """);

    /// <summary>
    /// ARGV: P, nowTicks, nowUs, limit, afterId or ''. Returns the earliest next run after now ('' when none), then per due
    /// schedule (ordered by id, at most limit) its id and hash. Scores only narrow the range: each candidate's next run
    /// is compared exactly, as ticks.
    /// </summary>
    public static readonly RedisScript RecurringDue = new("recurring-due", """
        local P, nowt, nowus, limit, after = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
        local nextdue = false
        local due = {}
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'recurring:due', '-inf', nowus)) do
          local nr = redis.call('HGET', P .. 'recurring:job:' .. id, 'nr')
          if nr then
            if nr > nowt then
              if not nextdue or nr < nextdue then nextdue = nr end
            elseif after == '' or id > after then
              due[#due + 1] = id
            end
          end
        end
        local later = redis.call('ZRANGEBYSCORE', P .. 'recurring:due', '(' .. nowus, '+inf', 'LIMIT', 0, 1)
        if later[1] then
          local nr = redis.call('HGET', P .. 'recurring:job:' .. later[1], 'nr')
          if nr and (not nextdue or nr < nextdue) then nextdue = nr end
        end
        table.sort(due)
        local out = { nextdue or '' }
        for i = 1, math.min(limit, #due) do
          out[#out + 1] = due[i]
          out[#out + 1] = redis.call('HGETALL', P .. 'recurring:job:' .. due[i])
        end
        return out
        """);

    /// <summary>
    /// The head of <see cref="RecurringClaim"/> and <see cref="RecurringTrigger"/>: <see cref="EnqueuePlain"/>'s text as a
    /// function of its own ARGV, so occurrences are written exactly as any plain enqueue writes them (one job layout, in one
    /// place), inside the same atomic script as the schedule's change. Its refusals come back as error tables.
    /// </summary>
    private static string EnqueueFunction =>
        "local function enqueueplain(ARGV)\n" + EnqueuePlain.Text + "\nend\n" + """
        local function enqueue(from)
          local eargv = {}
          for i = from, #ARGV do eargv[#eargv + 1] = ARGV[i] end
          return enqueueplain(eargv)
        end

        """;

    /// <summary>
    /// ARGV: P, id, version, expectedTicks, newNextTicks, newNextUs, skipIfUnfinished ('1' or '0'), overlapSkipTicks,
    /// skippedTicks or '', lastRunTicks or '', lastJobId or '', then <see cref="EnqueuePlain"/>'s ARGV for the jobs (none:
    /// nothing follows). Returns 0 claimed, 1 skipped (overlap), 2 conflict.
    /// </summary>
    /// <remarks>Built at first use: it embeds <see cref="EnqueuePlain"/>, a field of another part of this class, whose
    /// initializer is not ordered with this part's.</remarks>
    public static RedisScript RecurringClaim => s_recurringClaim ??= new("recurring-claim", EnqueueFunction + """
        local P, id, version, expected, nrt, nrus, skipif, overlapt, skippedt, lastt, lastj =
          ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11]
        local k = P .. 'recurring:job:' .. id
        local f = redis.call('HMGET', k, 'v', 'nr', 'p', 'lj')
        if f[1] ~= version or f[2] ~= expected or f[3] ~= '0' then return 2 end
        if skipif == '1' and f[4] then
          -- Unfinished: Scheduled, Enqueued, Running or Awaiting; a state that is none counts as finished.
          local s = redis.call('HGET', P .. 'job:' .. f[4], 's')
          if s == '0' or s == '1' or s == '2' or s == '6' then
            redis.call('HSET', k, 'nr', nrt, 'ls', overlapt)
            redis.call('ZADD', P .. 'recurring:due', nrus, id)
            return 1
          end
        end
        if #ARGV > 11 then
          local r = enqueue(12)
          if type(r) == 'table' and r.err then return r end
        end
        redis.call('HSET', k, 'nr', nrt)
        redis.call('ZADD', P .. 'recurring:due', nrus, id)
        if lastj ~= '' then redis.call('HSET', k, 'lr', lastt, 'lj', lastj) end
        if skippedt ~= '' then redis.call('HSET', k, 'ls', skippedt) end
        return 0
        """);

    /// <summary>ARGV: P, id, runTicks, jobId, then <see cref="EnqueuePlain"/>'s ARGV for the job. Returns 1 when the schedule exists.</summary>
    /// <remarks>Built at first use, as <see cref="RecurringClaim"/> is.</remarks>
    public static RedisScript RecurringTrigger => s_recurringTrigger ??= new("recurring-trigger", EnqueueFunction + """
        local P, id, runt, jid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local k = P .. 'recurring:job:' .. id
        if redis.call('EXISTS', k) == 0 then return 0 end
        local r = enqueue(5)
        if type(r) == 'table' and r.err then return r end
        redis.call('HSET', k, 'lr', runt, 'lj', jid)
        return 1
        """);

    /// <summary>ARGV: P, nowTicks, nowUs, ids... Returns per id 1 when renewed (it exists and is declared in code).</summary>
    public static readonly RedisScript RecurringDeclare = new("recurring-declare", """
        local P, nowt, nowus = ARGV[1], ARGV[2], ARGV[3]
        local out = {}
        for i = 4, #ARGV do
          local k = P .. 'recurring:job:' .. ARGV[i]
          if redis.call('HEXISTS', k, 'd') == 1 then
            redis.call('HSET', k, 'd', nowt)
            redis.call('ZADD', P .. 'recurring:declared', nowus, ARGV[i])
            out[#out + 1] = 1
          else
            out[#out + 1] = 0
          end
        end
        return out
        """);

    /// <summary>ARGV: P, beforeTicks, beforeUs, limit. Deletes schedules declared before the time; returns their ids.</summary>
    public static readonly RedisScript RecurringPrune = new("recurring-prune", """
        local P, beforet, beforeus, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
        local out = {}
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'recurring:declared', '-inf', beforeus)) do
          if #out >= limit then break end
          local d = redis.call('HGET', P .. 'recurring:job:' .. id, 'd')
          if d and d < beforet then
            redis.call('DEL', P .. 'recurring:job:' .. id)
            redis.call('ZREM', P .. 'recurring:due', id)
            redis.call('ZREM', P .. 'recurring:ids', id)
            redis.call('ZREM', P .. 'recurring:declared', id)
            out[#out + 1] = id
          elseif not d then
            redis.call('ZREM', P .. 'recurring:declared', id)
          end
        end
        return out
        """);
}
