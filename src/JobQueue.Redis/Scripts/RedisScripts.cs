namespace JobQueue.Redis.Scripts;

/// <summary>
/// Every Lua script of the store, kept together. Each script is one atomic step on the server: Redis runs a
/// script to its end before any other command, so a lease, a finish with its batch accounting and callback
/// release, or a whole enqueue request can never be seen half done.
/// </summary>
/// <remarks>
/// <para>Key layout (schema 3, see <see cref="Migrate"/>), all under the prefix P (a hash tag such as "{jobqueue}:"
/// so every key of a deployment lives in one cluster slot): job:ID (hash), errors:ID (list of JSON), batch:ID
/// (hash), ready:QUEUE (zset, score -priority, member "runAt:seq:id" so equal priorities order by run time, then
/// enqueue order), scheduled / leases / finished / bfinished (zsets scored by unix microseconds), idem:KEY
/// (holder id), the indexes qs:Q:S (one per queue and state), batchjobs:B and name:N (zsets scored by enqueue sequence),
/// the throughput counts tp:M and tpm (see RedisScripts.Admin), the flow keys run:KEY, starts:SCOPE and holds (see
/// RedisScripts.Flow),
/// queues (set of queue names), seq (the enqueue sequence) and schema (the layout version).</para>
/// <para>A job hash holds n (name), q, pr, a (arguments), o ("maxAttempts:timeoutTicks:retryDelayTicks:enqueuedAt",
/// changed only when a retry raises the maximum), ra (run at), seq, s (state), and as they apply at (attempt, absent before the first lease), ik,
/// tp, b, child, sa, fa, lt / le / w (lease), r, pp / pm (progress), lk (limit key), is / iu (idempotency scope when
/// not UntilSucceeded, and its end for ForPeriod). A batch hash holds s, total, ok, ko, ca, sj, fj, fa, and fp (failure
/// policy when FailFast), pb (parent batch) and cp (counted in the parent). Schema 1 wrote ma, to, rd and ea as fields of
/// their own and at = 0; readers accept both.</para>
/// <para>Times are stored as 19-digit zero-padded UTC tick strings so Lua compares them exactly as strings;
/// zset scores (microseconds) only narrow a range, and each candidate is re-checked against the ticks.</para>
/// <para>Every script receives KEYS[1] = P.."jobs" so a cluster routes it to the prefix's slot, and builds
/// its other key names from ARGV[1] = P: the key set of a script depends on data it reads, such as a batch's
/// callbacks, so it cannot be declared up front.</para>
/// </remarks>
internal static partial class RedisScripts
{
    /// <summary>
    /// Deferred sorted-set additions, shared by the <see cref="Prelude"/> and <see cref="EnqueuePlain"/>: collected per
    /// key and written by flushadds() at the end of the script, many members per ZADD. One call per member was most
    /// of a bulk request's cost on the server (and in its AOF).
    /// </summary>
    private const string NewMembers = """
        local function pending(map, keys, key)
          local t = map[key]
          if not t then
            t = {}
            map[key] = t
            keys[#keys + 1] = key
          end
          return t
        end

        -- New members only (an enqueue's), appended without the bookkeeping of the prelude's zset().
        local zadds, zaddkeys = {}, {}
        local function zadd(key, score, member)
          local t = pending(zadds, zaddkeys, key)
          t[#t + 1] = score
          t[#t + 1] = member
        end

        -- unpack() is bounded by Lua's C stack (8000 values): large writes go in chunks.
        local function flushadds()
          for _, key in ipairs(zaddkeys) do
            local adds = zadds[key]
            for i = 1, #adds, 1000 do redis.call('ZADD', key, unpack(adds, i, math.min(i + 999, #adds))) end
          end
          zadds, zaddkeys = {}, {}
        end

        """;

    private const string Prelude = """
        local P = ARGV[1]
        local function jk(id) return P .. 'job:' .. id end
        local function isfinal(s) return s == '3' or s == '4' or s == '5' end

        """ + NewMembers + """
        -- Sorted-set writes are collected and sent by flush() at the end of the script, many members per ZADD or
        -- ZREM, as new members are by flushadds(). Only the last write of a member counts, exactly as if each had
        -- been applied at once, and no script reads a sorted set after writing it through zset(), so deferring
        -- them changes nothing a script can see.
        local zpend, zkeys = {}, {}
        local function zset(key, member, score) pending(zpend, zkeys, key)[member] = score end

        -- Finished job ids, published together by flush(): one message per script instead of one per job.
        local done = {}

        -- Jobs started, progressed or made due again, published together by flush() on the 'changed' channel (see
        -- RedisScripts.Changes), 200 ids per message: watches in other processes learn of them without polling.
        local changed = {}

        -- One publish per queue per script: subscribers only need to know that work may be there.
        local woken = {}
        local function wake(q)
          if not woken[q] then
            woken[q] = true
            redis.call('PUBLISH', P .. 'work', q)
          end
        end

        -- unpack() is bounded by Lua's C stack (8000 values): large writes go in chunks.
        local function flush()
          for _, key in ipairs(zkeys) do
            local adds, rems = {}, {}
            for m, score in pairs(zpend[key]) do
              if score then
                adds[#adds + 1] = score
                adds[#adds + 1] = m
              else
                rems[#rems + 1] = m
              end
            end
            for i = 1, #rems, 1000 do redis.call('ZREM', key, unpack(rems, i, math.min(i + 999, #rems))) end
            for i = 1, #adds, 1000 do redis.call('ZADD', key, unpack(adds, i, math.min(i + 999, #adds))) end
          end
          zpend, zkeys = {}, {}
          flushadds()
          if #done > 0 then
            redis.call('PUBLISH', P .. 'done', table.concat(done, ','))
            done = {}
          end
          for i = 1, #changed, 200 do
            redis.call('PUBLISH', P .. 'changed', table.concat(changed, ',', i, math.min(i + 199, #changed)))
          end
          changed = {}
        end

        -- Moves a job between the per-queue-per-state indexes that queries and statistics read; the caller sets the
        -- hash's 's'. These are the only enqueue-order indexes: one entry per job instead of one in each of a global,
        -- a per-queue and a per-state set as well, since sorted-set writes were most of an enqueue's server time.
        -- Queries across queues or states merge the few sets they span (see the query script).
        -- A damaged hash (no queue, a seq that is no number) must not raise an error: a script that fails midway keeps
        -- its earlier writes but loses its deferred ones, and fails every other job of its call with it. Such a job
        -- leaves the indexes, or sorts first in them; its reader reports the damage.
        local function index(id, q, seq, old, new)
          if not q then return end
          if old then zset(P .. 'qs:' .. q .. ':' .. old, id, false) end
          zset(P .. 'qs:' .. q .. ':' .. new, id, tonumber(seq) and seq or 0)
        end

        -- A job's member in its queue's ready set; the hash does not keep it (ra and seq give it back), since
        -- a value over 64 bytes would make Redis store every job hash as a hashtable instead of a listpack.
        local function rmember(id, ra, seq) return ra .. ':' .. seq .. ':' .. id end

        -- A priority that is no number (a damaged hash) counts as 0 rather than failing the script.
        local function ready(id, q, pr, ra, seq)
          zset(P .. 'ready:' .. q, rmember(id, ra, seq), -(tonumber(pr) or 0))
          redis.call('HSET', jk(id), 's', '1', 'ra', ra)
          wake(q)
        end

        -- A fetch with limits parks an Enqueued job it finds over its key's concurrency limit in parked:KEY (its
        -- ready member, scored as in the ready set; see RedisScripts.Flow). A slot of the key freed puts the first one
        -- back in its queue's ready set: parked sets are read at once, so they are written at once, not by zset().
        local function unpark(lk)
          local pk = P .. 'parked:' .. lk
          local m = redis.call('ZRANGE', pk, 0, 0, 'WITHSCORES')
          while m[1] do
            redis.call('ZREM', pk, m[1])
            local id = string.sub(m[1], 38)
            local g = redis.call('HMGET', jk(id), 's', 'q')
            if g[1] == '1' and g[2] then
              zset(P .. 'ready:' .. g[2], m[1], m[2])
              wake(g[2])
              return
            end
            -- No longer waiting (a member left behind): the next one takes the slot.
            m = redis.call('ZRANGE', pk, 0, 0, 'WITHSCORES')
          end
        end

        -- A job with a limit key is a member of run:KEY while Running (see RedisScripts.Flow): every way out of
        -- Running goes through unlease() or finish(), which take it out and give the freed slot to a parked job.
        local function unrun(id, lk)
          if lk then
            redis.call('SREM', P .. 'run:' .. lk, id)
            unpark(lk)
          end
        end

        local function unlease(id)
          local j = jk(id)
          unrun(id, redis.call('HGET', j, 'lk'))
          redis.call('HDEL', j, 'lt', 'le', 'w')
          zset(P .. 'leases', id, false)
        end

        -- What finish() needs, the lease token (8) for the callers that check it first, the limit key (9) and the
        -- idempotency scope (10).
        local function fields(id)
          return redis.call('HMGET', jk(id), 's', 'q', 'seq', 'ra', 'ik', 'b', 'child', 'lt', 'lk', 'is')
        end

        local function leased(id, token)
          local f = redis.call('HMGET', jk(id), 's', 'lt')
          return f[1] == '2' and f[2] == token
        end

        -- Due at rt: Scheduled if after now, else Enqueued at once.
        local function due(id, rt, rus, nowt)
          local f = redis.call('HMGET', jk(id), 's', 'q', 'seq', 'pr')
          if rt > nowt then
            index(id, f[2], f[3], f[1], '0')
            redis.call('HSET', jk(id), 's', '0', 'ra', rt)
            zset(P .. 'scheduled', id, rus)
          else
            index(id, f[2], f[3], f[1], '1')
            ready(id, f[2], f[4], rt, f[3])
          end
        end

        -- Whether job hid holds its idempotency key at nowt, by its own scope ('is', absent for UntilSucceeded, as on
        -- every job written before scopes) and, for ForPeriod, its end ('iu'). idem:KEY names the newest holder; a
        -- name there is only a candidate, checked here.
        local function holding(hid, nowt)
          local g = redis.call('HMGET', jk(hid), 's', 'is', 'iu')
          local s, sc = g[1], g[2] or '0'
          if not s then return false end
          if sc == '3' then return g[3] ~= false and g[3] > nowt end
          if sc == '1' then return s == '0' or s == '1' or s == '6' end
          if sc == '2' then return s == '0' or s == '1' or s == '2' or s == '6' end
          return s ~= '4' and s ~= '5'
        end

        local function read(id)
          local h = redis.call('HGETALL', jk(id))
          if #h == 0 then return false end
          return { id, h, redis.call('LRANGE', P .. 'errors:' .. id, 0, -1) }
        end

        local finish

        local function release(cb, nowt)
          if cb and redis.call('HGET', jk(cb), 's') == '6' then
            local f = redis.call('HMGET', jk(cb), 'q', 'seq', 'pr')
            index(cb, f[1], f[2], '6', '1')
            ready(cb, f[1], f[3], nowt, f[2])
          end
        end

        local function cancelcb(cb, nowt, nowus)
          if cb and redis.call('HGET', jk(cb), 's') == '6' then
            finish(cb, '5', nowt, nowus)
          end
        end

        local function succeedbatch(bid, sj, fj, nowt, nowus)
          local bk = P .. 'batch:' .. bid
          redis.call('HSET', bk, 's', '1', 'fa', nowt)
          zset(P .. 'bfinished', bid, nowus)
          release(sj, nowt)
          cancelcb(fj, nowt, nowus)
        end

        local childdone

        -- A nested batch that finished counts once ('cp') in its parent: a success when it Succeeded, else a failure.
        local function countinparent(bid, nowt, nowus)
          local bk = P .. 'batch:' .. bid
          local b = redis.call('HMGET', bk, 'pb', 'cp', 's')
          if b[1] and not b[2] then
            redis.call('HSET', bk, 'cp', '1')
            childdone(b[1], b[3] == '1', nowt, nowus)
          end
        end

        -- FailFast: every child job of the batch that has not finished is cancelled, running ones included (finish()
        -- clears the lease, so the attempt's writes are refused); each counts as a failure through finish(). Callbacks
        -- (no 'child') and nested batches (not in batchjobs) are left alone.
        local function cancelchildren(bid, nowt, nowus)
          for _, id in ipairs(redis.call('ZRANGE', P .. 'batchjobs:' .. bid, 0, -1)) do
            local g = redis.call('HMGET', jk(id), 's', 'child')
            if g[2] == '1' and (g[1] == '0' or g[1] == '1' or g[1] == '2') then finish(id, '5', nowt, nowus) end
          end
        end

        -- A child reached a final state: count it; the first failure decides the batch, the last child ends it.
        childdone = function(bid, ok, nowt, nowus)
          local bk = P .. 'batch:' .. bid
          local b = redis.call('HMGET', bk, 's', 'total', 'ok', 'ko', 'sj', 'fj', 'fp')
          if not b[1] then return end
          local st = b[1]
          local okc = tonumber(b[3])
          local koc = tonumber(b[4])
          local failfast = false
          if ok then
            okc = okc + 1
            redis.call('HSET', bk, 'ok', okc)
          else
            koc = koc + 1
            redis.call('HSET', bk, 'ko', koc)
            if st == '0' then
              st = '2'
              redis.call('HSET', bk, 's', '2')
              release(b[6], nowt)
              cancelcb(b[5], nowt, nowus)
              failfast = b[7] == '1'
            end
          end
          if okc + koc >= tonumber(b[2]) then
            if st == '0' then
              succeedbatch(bid, b[5], b[6], nowt, nowus)
            else
              redis.call('HSET', bk, 'fa', nowt)
              zset(P .. 'bfinished', bid, nowus)
            end
            countinparent(bid, nowt, nowus)
          elseif failfast then
            -- After this step's own counting: each cancelled child counts itself, and the last of them ends the batch.
            cancelchildren(bid, nowt, nowus)
          end
        end

        -- A final state with everything that comes with it: lease voided, key freed, waiters told, batch counted.
        -- f is fields(id) when the caller already read it.
        finish = function(id, st, nowt, nowus, f)
          local j = jk(id)
          f = f or fields(id)
          local old = f[1]
          if old == '2' then
            redis.call('HDEL', j, 'lt', 'le', 'w')
            zset(P .. 'leases', id, false)
            unrun(id, f[9])
          elseif old == '1' then
            zset(P .. 'ready:' .. f[2], rmember(id, f[4], f[3]), false)
            -- A parked job that ends (a cancel) must not come back. One that was in its queue may be the one a freed
            -- slot brought back: the slot goes on to the next parked job, or the key's parked jobs could wait for good.
            if f[9] and redis.call('ZREM', P .. 'parked:' .. f[9], rmember(id, f[4], f[3])) == 0 then unpark(f[9]) end
          elseif old == '0' then
            zset(P .. 'scheduled', id, false)
          end
          index(id, f[2], f[3], old, st)
          redis.call('HSET', j, 's', st, 'fa', nowt)
          zset(P .. 'finished', id, nowus)
          if st ~= '3' and f[5] and f[10] ~= '3' then
            local ik = P .. 'idem:' .. f[5]
            if redis.call('GET', ik) == id then redis.call('DEL', ik) end
          end
          done[#done + 1] = id
          if f[6] and f[7] == '1' then childdone(f[6], st == '3', nowt, nowus) end
        end

        """;

    /// <summary>The data layout the scripts write; <see cref="Migrate"/> brings older data up to it.</summary>
    public const string SchemaVersion = "3";

    /// <summary>ARGV: P. Returns 1 when it changed something, else 0. Safe to run any number of times, by any host.</summary>
    /// <remarks>
    /// Schema 1 kept three enqueue-order indexes beside qs:Q:S: jobs (every job), queue:Q and state:S. Schema 2
    /// answers those queries from qs:Q:S alone, so the old sets are only dead weight: every job in them is also in
    /// its qs:Q:S set, and no script reads them. They are unlinked (freed off the server's main thread). The check
    /// for P..'jobs' catches a host of the previous version that wrote them again after an earlier migration.
    /// </remarks>
    public static readonly RedisScript Migrate = new("migrate", """
        local P = ARGV[1]
        local version = redis.call('GET', P .. 'schema')
        if version == '3' and redis.call('EXISTS', P .. 'jobs') == 0 then return 0 end
        local dead = { P .. 'jobs' }
        for s = 0, 6 do dead[#dead + 1] = P .. 'state:' .. s end
        for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do dead[#dead + 1] = P .. 'queue:' .. q end
        for i = 1, #dead, 1000 do redis.call('UNLINK', unpack(dead, i, math.min(i + 999, #dead))) end
        if version ~= '3' then
          -- Schema 3 lists a name's jobs from name:N: every stored job joins its name's set, by its enqueue sequence.
          for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
            for s = 0, 6 do
              local m = redis.call('ZRANGE', P .. 'qs:' .. q .. ':' .. s, 0, -1, 'WITHSCORES')
              for i = 1, #m, 2 do
                local n = redis.call('HGET', P .. 'job:' .. m[i], 'n')
                if n then redis.call('ZADD', P .. 'name:' .. n, m[i + 1], m[i]) end
              end
            end
          end
        end
        redis.call('SET', P .. 'schema', '3')
        return 1
        """);

    /// <summary>
    /// ARGV: P, nowTicks, nowUs, newBatchId or '', templateCount, the new batch's failure policy (a number) and parent batch or '', then per template the fields of
    /// <see cref="EnqueueTemplateFields"/>, then per job those of <see cref="EnqueueJobFields"/>.
    /// </summary>
    /// <remarks>
    /// A template holds what the jobs of a request usually share (kind, name, queue, priority, options, batch), so a
    /// bulk request, or concurrent enqueues coalesced into one, sends it and the script prepares its key names and
    /// hash values once instead of per job: a job's own fields are 8 arguments instead of 18.
    /// </remarks>
    public static readonly RedisScript Enqueue = new("enqueue", Prelude + """
        local nowt, nowus, nb, nt, nfp, npb = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7]
        local TF, JF = 11, 8
        local base = 7 + nt * TF
        local n = (#ARGV - base) / JF
        if nb ~= '' and redis.call('EXISTS', P .. 'batch:' .. nb) == 1 then
          return redis.error_reply('JQ_BATCH_EXISTS Batch ' .. nb .. ' already exists; a new batch needs a new id.')
        end
        if npb ~= '' then
          local ps = redis.call('HMGET', P .. 'batch:' .. npb, 's', 'fa')
          if not ps[1] then
            return redis.error_reply('JQ_NO_BATCH Batch ' .. nb .. ' is to be nested in batch ' .. npb .. ', which does not exist. Nothing was written.')
          end
          if ps[2] then
            return redis.error_reply('JQ_BATCH_FINISHED Batch ' .. nb .. ' is to be nested in batch ' .. npb .. ', which has already finished. Nothing was written.')
          end
        end

        local T = {}
        for t = 1, nt do
          local o = 7 + (t - 1) * TF
          local kind, q, pr = ARGV[o + 1], ARGV[o + 3], ARGV[o + 4]
          T[t] = { kind = kind, name = ARGV[o + 2], q = q, pr = pr, score = -tonumber(pr),
            o = ARGV[o + 5] .. ':' .. ARGV[o + 6] .. ':' .. ARGV[o + 7] .. ':' .. nowt, b = ARGV[o + 8],
            is = ARGV[o + 9], iu = ARGV[o + 10], rp = ARGV[o + 11] == '1',
            qs = P .. 'qs:' .. q .. ':', rk = P .. 'ready:' .. q, checked = false }
        end

        -- Validate everything before writing anything: a request is all or nothing.
        local created = {}
        local results = {}
        local claimed = {}
        local replaces, replacing = {}, {}
        local newkeys = {}
        for i = 0, n - 1 do
          local o = base + i * JF
          local t, id, ik = T[tonumber(ARGV[o + 1])], ARGV[o + 2], ARGV[o + 4]
          local kind, b = t.kind, t.b
          if not t.checked then
            t.checked = true
            if kind == 'c' and b ~= '' and b ~= nb then
              local bs = redis.call('HMGET', P .. 'batch:' .. b, 's', 'fa')
              if not bs[1] then
                return redis.error_reply('JQ_NO_BATCH Job ' .. id .. ' names batch ' .. b .. ', which does not exist; a child can only join a batch created in the same request or one that exists already. Nothing was written.')
              end
              if bs[2] then
                return redis.error_reply('JQ_BATCH_FINISHED Job ' .. id .. ' names batch ' .. b .. ', which has already finished; children can only be added while one of its children is pending. Nothing was written.')
              end
            end
          end
          local holder = nil
          local inrequest = false
          if kind == 'c' and ik ~= '' then
            holder = claimed[ik]
            inrequest = holder ~= nil
            if not holder then
              local h = redis.call('GET', P .. 'idem:' .. ik)
              if h and holding(h, nowt) then holder = h end
            end
          end
          if holder then
            results[#results + 1] = holder
            -- A debounce replaces a holder that has not started (written below, once all is validated); a holder
            -- created by this same request is returned as it is.
            local code = 0
            if t.rp and not inrequest and not replacing[holder] then
              local hs = redis.call('HGET', jk(holder), 's')
              if hs == '0' or hs == '1' then
                code = 2
                replacing[holder] = true
                replaces[#replaces + 1] = { holder, i }
              end
            end
            results[#results + 1] = code
          else
            if created[id] then
              return redis.error_reply('JQ_JOB_EXISTS Job ' .. id .. ' already exists; every new job needs a new id. Nothing was written.')
            end
            if kind == 'c' and ik ~= '' then claimed[ik] = id end
            created[id] = true
            newkeys[#newkeys + 1] = jk(id)
            results[#results + 1] = id
            results[#results + 1] = 1
          end
        end

        -- Whether any new id is taken, in one EXISTS per 1000 keys; the slow search for which one only runs on error.
        for i = 1, #newkeys, 1000 do
          if redis.call('EXISTS', unpack(newkeys, i, math.min(i + 999, #newkeys))) > 0 then
            for k = i, math.min(i + 999, #newkeys) do
              if redis.call('EXISTS', newkeys[k]) == 1 then
                return redis.error_reply('JQ_JOB_EXISTS Job ' .. string.sub(newkeys[k], #P + 5) .. ' already exists; every new job needs a new id. Nothing was written.')
              end
            end
          end
        end

        if nb ~= '' then
          redis.call('HSET', P .. 'batch:' .. nb, 's', '0', 'total', 0, 'ok', 0, 'ko', 0, 'ca', nowt)
          if nfp ~= '0' then redis.call('HSET', P .. 'batch:' .. nb, 'fp', nfp) end
          if npb ~= '' then
            -- One pending child of its parent until it finishes (see childdone()).
            redis.call('HSET', P .. 'batch:' .. nb, 'pb', npb)
            redis.call('HINCRBY', P .. 'batch:' .. npb, 'total', 1)
          end
        end

        -- Enqueue order: the new jobs take the next #newkeys sequence numbers, in request order.
        local nextseq = 0
        if #newkeys > 0 then nextseq = redis.call('INCRBY', P .. 'seq', #newkeys) - #newkeys end
        local queues = {}
        local children = {}
        local sj, fj = false, false
        local k = 0
        for i = 0, n - 1 do
          if results[i * 2 + 2] == 1 then
            local o = base + i * JF
            local t, id, args, ik, ra, rus, tp, lk = T[tonumber(ARGV[o + 1])], ARGV[o + 2], ARGV[o + 3], ARGV[o + 4],
              ARGV[o + 5], ARGV[o + 6], ARGV[o + 7], ARGV[o + 8]
            local kind, q, b = t.kind, t.q, t.b
            local st
            if kind ~= 'c' then st = '6' elseif ra > nowt then st = '0' else st = '1' end
            nextseq = nextseq + 1
            k = k + 1
            local seq = string.format('%016d', nextseq)
            -- What no script changes and only rescue reads goes in one field, 'o' (see the key layout above), and the
            -- attempt count 'at' is only written by the first lease: each field is a lookup and a move of the
            -- listpack in every later HSET of this job, so eight fields cost far less than twelve.
            if ik == '' and tp == '' and b == '' and lk == '' then
              redis.call('HSET', newkeys[k], 'n', t.name, 'q', q, 'pr', t.pr, 'a', args, 'o', t.o, 'ra', ra, 'seq', seq, 's', st)
            else
              local h = { 'n', t.name, 'q', q, 'pr', t.pr, 'a', args, 'o', t.o, 'ra', ra, 'seq', seq, 's', st }
              if ik ~= '' then
                h[#h + 1] = 'ik'; h[#h + 1] = ik
                -- UntilSucceeded, the default, is written as no field, as every job before scopes has it.
                if t.is ~= '0' then h[#h + 1] = 'is'; h[#h + 1] = t.is end
                if t.iu ~= '' then h[#h + 1] = 'iu'; h[#h + 1] = t.iu end
              end
              if tp ~= '' then h[#h + 1] = 'tp'; h[#h + 1] = tp end
              if lk ~= '' then h[#h + 1] = 'lk'; h[#h + 1] = lk end
              if b ~= '' then
                h[#h + 1] = 'b'; h[#h + 1] = b
                zadd(P .. 'batchjobs:' .. b, seq, id)
                if kind == 'c' then
                  h[#h + 1] = 'child'; h[#h + 1] = '1'
                  children[b] = (children[b] or 0) + 1
                end
              end
              redis.call('HSET', newkeys[k], unpack(h))
            end
            zadd(P .. 'name:' .. t.name, seq, id)
            if st == '1' then
              zadd(t.rk, t.score, rmember(id, ra, seq))
              wake(q)
            elseif st == '0' then
              zadd(P .. 'scheduled', rus, id)
            end
            zadd(t.qs .. st, seq, id)
            if not queues[q] then
              queues[q] = true
              redis.call('SADD', P .. 'queues', q)
            end
            if ik ~= '' then
              -- A callback whose key is held keeps the key as data but does not take it over.
              local ikk = P .. 'idem:' .. ik
              local holder = redis.call('GET', ikk)
              if not (holder and holder ~= id and holding(holder, nowt)) then redis.call('SET', ikk, id) end
            end
            if kind == 's' then
              sj = id
              redis.call('HSET', P .. 'batch:' .. nb, 'sj', id)
            elseif kind == 'f' then
              fj = id
              redis.call('HSET', P .. 'batch:' .. nb, 'fj', id)
            end
          end
        end
        -- Debounces: the holder takes the new job's arguments and run time, and is Scheduled or Enqueued by it at now.
        for _, rep in ipairs(replaces) do
          local hid, o = rep[1], base + rep[2] * JF
          local g = redis.call('HMGET', jk(hid), 's', 'q', 'seq', 'ra', 'lk')
          if g[1] == '1' then
            zset(P .. 'ready:' .. g[2], rmember(hid, g[4], g[3]), false)
            -- Parked, it is due again by its new run time: its old member must not come back.
            if g[5] then redis.call('ZREM', P .. 'parked:' .. g[5], rmember(hid, g[4], g[3])) end
          else
            zset(P .. 'scheduled', hid, false)
          end
          redis.call('HSET', jk(hid), 'a', ARGV[o + 3])
          due(hid, ARGV[o + 5], ARGV[o + 6], nowt)
          changed[#changed + 1] = hid
        end
        for b, count in pairs(children) do
          redis.call('HINCRBY', P .. 'batch:' .. b, 'total', count)
        end
        -- A batch of no children has nothing to wait for: it succeeds now, or it would wait forever.
        if nb ~= '' and redis.call('HGET', P .. 'batch:' .. nb, 'total') == '0' then
          succeedbatch(nb, sj, fj, nowt, nowus)
          countinparent(nb, nowt, nowus)
        end
        flush()
        return results
        """);

    /// <summary>
    /// <see cref="Enqueue"/> for a request of plain jobs only (no batch, no idempotency key, no callbacks), with the
    /// same arguments and reply and the same writes, without the prelude or the bookkeeping those features need.
    /// </summary>
    /// <remarks>
    /// Almost every enqueue is plain, and on the server the general script's checks, tables and helper closures
    /// are a large part of its cost (about 17 to 22 against 14 microseconds of server time for one job on Redis 7).
    /// Whatever changes the job layout changes both scripts; RedisJobStorageTests compares what they write.
    /// </remarks>
    public static readonly RedisScript EnqueuePlain = new("enqueue-plain", NewMembers + """
        local P, nowt, nt = ARGV[1], ARGV[2], tonumber(ARGV[5])
        local TF, JF = 11, 8
        local base = 7 + nt * TF
        local n = (#ARGV - base) / JF
        local T = {}
        for t = 1, nt do
          local o = 7 + (t - 1) * TF
          local q, pr = ARGV[o + 3], ARGV[o + 4]
          T[t] = { name = ARGV[o + 2], q = q, pr = pr, score = -tonumber(pr),
            o = ARGV[o + 5] .. ':' .. ARGV[o + 6] .. ':' .. ARGV[o + 7] .. ':' .. nowt, qs = P .. 'qs:' .. q .. ':', rk = P .. 'ready:' .. q }
        end

        -- Validate before writing, as the general script does: a request is all or nothing.
        local keys, results, created = {}, {}, {}
        for i = 1, n do
          local id = ARGV[base + (i - 1) * JF + 2]
          if created[id] then
            return redis.error_reply('JQ_JOB_EXISTS Job ' .. id .. ' already exists; every new job needs a new id. Nothing was written.')
          end
          created[id] = true
          keys[i] = P .. 'job:' .. id
          results[2 * i - 1] = id
          results[2 * i] = 1
        end
        for i = 1, n, 1000 do
          if redis.call('EXISTS', unpack(keys, i, math.min(i + 999, n))) > 0 then
            for k = i, math.min(i + 999, n) do
              if redis.call('EXISTS', keys[k]) == 1 then
                return redis.error_reply('JQ_JOB_EXISTS Job ' .. results[2 * k - 1] .. ' already exists; every new job needs a new id. Nothing was written.')
              end
            end
          end
        end

        local nextseq = redis.call('INCRBY', P .. 'seq', n) - n
        local queues, woken = {}, {}
        for i = 1, n do
          local o = base + (i - 1) * JF
          local t, id, ra = T[tonumber(ARGV[o + 1])], results[2 * i - 1], ARGV[o + 5]
          local q = t.q
          local st = '1'
          if ra > nowt then st = '0' end
          local seq = string.format('%016d', nextseq + i)
          local tp, lk = ARGV[o + 7], ARGV[o + 8]
          if tp == '' and lk == '' then
            redis.call('HSET', keys[i], 'n', t.name, 'q', q, 'pr', t.pr, 'a', ARGV[o + 3], 'o', t.o, 'ra', ra, 'seq', seq, 's', st)
          else
            local h = { 'n', t.name, 'q', q, 'pr', t.pr, 'a', ARGV[o + 3], 'o', t.o, 'ra', ra, 'seq', seq, 's', st }
            if tp ~= '' then h[#h + 1] = 'tp'; h[#h + 1] = tp end
            if lk ~= '' then h[#h + 1] = 'lk'; h[#h + 1] = lk end
            redis.call('HSET', keys[i], unpack(h))
          end
          zadd(P .. 'name:' .. t.name, seq, id)
          if st == '1' then
            zadd(t.rk, t.score, ra .. ':' .. seq .. ':' .. id)
            woken[q] = true
          else
            zadd(P .. 'scheduled', ARGV[o + 6], id)
          end
          zadd(t.qs .. st, seq, id)
          queues[q] = true
        end
        flushadds()
        for q in pairs(queues) do redis.call('SADD', P .. 'queues', q) end
        for q in pairs(woken) do redis.call('PUBLISH', P .. 'work', q) end
        return results
        """);

    /// <summary>Per-template ARGV fields of <see cref="Enqueue"/>, in order: kind ('c' child or plain job, 's' / 'f' success / failure callback), name, queue, priority, maxAttempts, timeoutTicks, retryDelayTicks, batch or '', idempotencyScope (a number), idempotencyUntilTicks or '', replaceOnConflict ('1' / '0').</summary>
    public const int EnqueueTemplateFields = 11;

    /// <summary>Per-job ARGV fields of <see cref="Enqueue"/>, in order: template number (from 1), id, arguments, idempotencyKey or '', runAtTicks, runAtUs, traceParent or '', limitKey or ''.</summary>
    public const int EnqueueJobFields = 8;

    /// <summary>ARGV: P, queue, limit, nowTicks, token, leaseTicks, leaseUs, worker.</summary>
    /// <remarks>
    /// The fetch without limits. Holds (see RedisScripts.Flow) apply to it too: without any it pays one HLEN; a held job
    /// goes back where it was, and at most 1,000 held jobs are passed over in one call.
    /// </remarks>
    public static readonly RedisScript Fetch = new("fetch", Prelude + """
        local q, limit, nowt, token, let, leus, worker = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
        -- A paused queue leases nothing (RedisScripts.Queues): checked in the script, so atomic with the pause.
        if redis.call('HEXISTS', P .. 'paused', q) == 1 then return {} end

        """ + Holds + """
        local key = P .. 'ready:' .. q
        local r = {}
        local notyet = {}
        local skipped = 0
        while #r < limit and skipped < 1000 do
          local popped = redis.call('ZPOPMIN', key, limit - #r)
          if #popped == 0 then break end
          for p = 1, #popped, 2 do
            -- The member is "runAt(19):seq(16):id".
            local id = string.sub(popped[p], 38)
            if string.sub(popped[p], 1, 19) > nowt then
              -- Made ready with a later now than this request's (taken before its worker was held up on a busy
              -- machine): no job starts before its run time, so it goes back for a later fetch.
              notyet[#notyet + 1] = popped[p + 1]
              notyet[#notyet + 1] = popped[p]
            else
              local j = jk(id)
              local h = redis.call('HGETALL', j)
              local f = {}
              for k = 1, #h, 2 do f[h[k]] = h[k + 1] end
              if f.s == '1' then
                if (holds or holdsmany) and held(f.n, f.lk) then
                  -- Held: back where it was, untouched, for a fetch after the hold.
                  notyet[#notyet + 1] = popped[p + 1]
                  notyet[#notyet + 1] = popped[p]
                  skipped = skipped + 1
                else
                  -- As lease() of RedisScripts.Flow does, inline: the plain fetch is the hot path, and a closure per
                  -- call costs measurably there.
                  -- An attempt that is no number (a damaged hash) is left as it is: the job is leased all the same, its
                  -- reader reports the damage and the engine fails it, where arithmetic on it would fail this script.
                  local at = tonumber(f.at or '0')
                  if at then at = tostring(at + 1) else at = f.at end
                  index(id, q, f.seq, '1', '2')
                  redis.call('HSET', j, 's', '2', 'at', at, 'sa', nowt, 'lt', token, 'le', let, 'w', worker)
                  zset(P .. 'leases', id, leus)
                  if f.lk then redis.call('SADD', P .. 'run:' .. f.lk, id) end
                  changed[#changed + 1] = id

                  -- The reply is the hash as it is now, built from the read above instead of read again.
                  f.s, f.at, f.sa, f.lt, f.le, f.w = '2', at, nowt, token, let, worker
                  local now = {}
                  for k, v in pairs(f) do
                    now[#now + 1] = k
                    now[#now + 1] = v
                  end

                  -- Errors are only written when an attempt ends without success, so a first attempt has none.
                  local errors = {}
                  if tonumber(at) ~= 1 then errors = redis.call('LRANGE', P .. 'errors:' .. id, 0, -1) end
                  r[#r + 1] = { id, now, errors }
                end
              end
            end
          end
        end
        for i = 1, #notyet, 1000 do redis.call('ZADD', key, unpack(notyet, i, math.min(i + 999, #notyet))) end
        flush()
        return r
        """);

    /// <summary>ARGV: P, then per item id, token, expiryTicks, expiryUs.</summary>
    public static readonly RedisScript Extend = new("extend", Prelude + """
        local r = {}
        for i = 2, #ARGV, 4 do
          local id = ARGV[i]
          if leased(id, ARGV[i + 1]) then
            redis.call('HSET', jk(id), 'le', ARGV[i + 2])
            zset(P .. 'leases', id, ARGV[i + 3])
            r[#r + 1] = 1
          else
            r[#r + 1] = 0
          end
        end
        flush()
        return r
        """);

    /// <summary>ARGV: P, then per item id, token, hasResult ('1'/'0'), result, nowTicks, nowUs.</summary>
    public static readonly RedisScript Complete = new("complete", Prelude + Tally + """
        local r = {}
        for i = 2, #ARGV, 6 do
          local id = ARGV[i]
          local f = fields(id)
          if f[1] == '2' and f[8] == ARGV[i + 1] then
            if ARGV[i + 2] == '1' then redis.call('HSET', jk(id), 'r', ARGV[i + 3]) end
            finish(id, '3', ARGV[i + 4], ARGV[i + 5], f)
            tally(f[2], ARGV[i + 5], 's')
            r[#r + 1] = 1
          else
            r[#r + 1] = 0
          end
        end
        flush()
        flushtally()
        return r
        """);

    /// <summary>ARGV: P, then per item id, token, errorJson, hasRetry, retryTicks, retryUs, nowTicks, nowUs.</summary>
    public static readonly RedisScript Fail = new("fail", Prelude + Tally + """
        local r = {}
        for i = 2, #ARGV, 8 do
          local id = ARGV[i]
          if leased(id, ARGV[i + 1]) then
            tally(redis.call('HGET', jk(id), 'q'), ARGV[i + 7], 'f')
            redis.call('RPUSH', P .. 'errors:' .. id, ARGV[i + 2])
            if ARGV[i + 3] == '1' then
              unlease(id)
              due(id, ARGV[i + 4], ARGV[i + 5], ARGV[i + 6])
              changed[#changed + 1] = id
            else
              finish(id, '4', ARGV[i + 6], ARGV[i + 7])
            end
            r[#r + 1] = 1
          else
            r[#r + 1] = 0
          end
        end
        flush()
        flushtally()
        return r
        """);

    /// <summary>ARGV: P, then per item id, token, runTicks, runUs, nowTicks.</summary>
    public static readonly RedisScript Reschedule = new("reschedule", Prelude + """
        local r = {}
        for i = 2, #ARGV, 5 do
          local id = ARGV[i]
          if leased(id, ARGV[i + 1]) then
            -- The attempt is refunded: a snooze or a lease handed back at shutdown is no failed try.
            redis.call('HINCRBY', jk(id), 'at', -1)
            unlease(id)
            due(id, ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
            changed[#changed + 1] = id
            r[#r + 1] = 1
          else
            r[#r + 1] = 0
          end
        end
        flush()
        return r
        """);

    /// <summary>ARGV: P, then per item id, token, percent, hasMessage, message.</summary>
    public static readonly RedisScript Progress = new("progress", Prelude + """
        local r = {}
        for i = 2, #ARGV, 5 do
          local id = ARGV[i]
          if leased(id, ARGV[i + 1]) then
            redis.call('HSET', jk(id), 'pp', ARGV[i + 2])
            if ARGV[i + 3] == '1' then
              redis.call('HSET', jk(id), 'pm', ARGV[i + 4])
            else
              redis.call('HDEL', jk(id), 'pm')
            end
            changed[#changed + 1] = id
            r[#r + 1] = 1
          else
            r[#r + 1] = 0
          end
        end
        flush()
        return r
        """);

    /// <summary>ARGV: P, nowTicks, nowUs, limit, errorType, errorMessage.</summary>
    public static readonly RedisScript Rescue = new("rescue", Prelude + Tally + """
        local nowt, nowus, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
        local r = {}
        if limit <= 0 then return r end
        -- Longest-expired first, so a bounded call makes progress on the oldest losses.
        local ids = redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', nowus, 'LIMIT', 0, limit)
        for _, id in ipairs(ids) do
          local j = jk(id)
          local f = redis.call('HMGET', j, 's', 'le', 'at', 'ma', 'q', 'seq', 'pr', 'o')
          -- Schema 2 keeps the maximum attempts first in 'o'; a job written by schema 1 has its own 'ma'.
          if not f[4] and f[8] then f[4] = string.match(f[8], '^[^:]*') end
          if f[1] ~= '2' then
            zset(P .. 'leases', id, false)
          elseif not f[2] or f[2] <= nowt then
            -- Leased by its set's score (the hash's expiry may be damaged). A job whose attempt, maximum, queue or
            -- priority does not read is failed rather than made ready: no script errors over it (which would stop
            -- every rescue behind it), and its reader reports the damage.
            local at, ma = tonumber(f[3]), tonumber(f[4])
            redis.call('RPUSH', P .. 'errors:' .. id, cjson.encode({ t = ARGV[5], m = ARGV[6], a = at, at = nowt }))
            tally(f[5], nowus, 'f')
            if at and ma and f[5] and tonumber(f[7]) and at < ma then
              unlease(id)
              index(id, f[5], f[6], '2', '1')
              ready(id, f[5], f[7], nowt, f[6])
              changed[#changed + 1] = id
            else
              finish(id, '4', nowt, nowus)
            end
            r[#r + 1] = id
          end
        end
        flush()
        flushtally()
        return r
        """);

    /// <summary>ARGV: P, nowTicks, nowUs, limit.</summary>
    public static readonly RedisScript Promote = new("promote", Prelude + """
        local nowt, nowus, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
        if limit <= 0 then return 0 end
        local count = 0
        local ids = redis.call('ZRANGEBYSCORE', P .. 'scheduled', '-inf', nowus, 'LIMIT', 0, limit)
        for _, id in ipairs(ids) do
          local f = redis.call('HMGET', jk(id), 's', 'ra', 'q', 'pr', 'seq')
          -- Not scheduled any more, or no run time to make it ready with (a damaged hash, left for its reader to
          -- report): out of the set, so it cannot hold back the due jobs behind it.
          if f[1] ~= '0' or not f[2] or not f[3] then
            zset(P .. 'scheduled', id, false)
          elseif f[2] <= nowt then
            zset(P .. 'scheduled', id, false)
            index(id, f[3], f[5], '0', '1')
            ready(id, f[3], f[4], f[2], f[5])
            count = count + 1
          end
        end
        flush()
        return count
        """);

    /// <summary>ARGV: P, nowTicks, nowUs, ids...; per id 0 not found, 1 already finished, 2 cancelled, 3 cancelled while running.</summary>
    public static readonly RedisScript Cancel = new("cancel", Prelude + """
        local nowt, nowus = ARGV[2], ARGV[3]
        local r = {}
        for i = 4, #ARGV do
          local id = ARGV[i]
          local s = redis.call('HGET', jk(id), 's')
          if not s then
            r[#r + 1] = 0
          elseif isfinal(s) or not (s == '0' or s == '1' or s == '2' or s == '6') then
            -- A state that is none (a damaged hash) reads as Failed, so it is answered as finished, as the reader shows it.
            r[#r + 1] = 1
          else
            if s == '2' then r[#r + 1] = 3 else r[#r + 1] = 2 end
            finish(id, '5', nowt, nowus)
          end
        end
        flush()
        return r
        """);

    /// <summary>ARGV: P, ids...; per id the job (id, hash, errors) or null.</summary>
    public static readonly RedisScript Get = new("get", Prelude + """
        local r = {}
        for i = 2, #ARGV do r[#r + 1] = read(ARGV[i]) end
        return r
        """);

    /// <summary>ARGV: P; per queue with any job: name, then counts of states 0 to 6.</summary>
    public static readonly RedisScript Statistics = new("statistics", Prelude + """
        local r = {}
        for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
          local counts = {}
          local any = false
          for s = 0, 6 do
            local c = redis.call('ZCARD', P .. 'qs:' .. q .. ':' .. s)
            counts[#counts + 1] = c
            if c > 0 then any = true end
          end
          if any then
            r[#r + 1] = q
            for _, c in ipairs(counts) do r[#r + 1] = c end
          end
        end
        return r
        """);

    /// <summary>ARGV: P; per queue with ready jobs: name, count, the earliest run time among them (ticks).</summary>
    /// <remarks>
    /// Reads only the ready sets. Within one score (priority) a ready set orders its members, 'runAt:seq:id', by run
    /// time, so the first member of each score group is that group's oldest: the walk jumps from group to group, one
    /// call per distinct priority, never over the whole backlog.
    /// </remarks>
    public static readonly RedisScript ReadyQueues = new("ready-queues", """
        local P = ARGV[1]
        local r = {}
        for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
          local key = P .. 'ready:' .. q
          local n = redis.call('ZCARD', key)
          if n > 0 then
            local oldest = nil
            local head = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
            while head[1] do
              local ra = string.sub(head[1], 1, 19)
              if not oldest or ra < oldest then oldest = ra end
              head = redis.call('ZRANGE', key, '(' .. head[2], '+inf', 'BYSCORE', 'LIMIT', 0, 1, 'WITHSCORES')
            end
            r[#r + 1] = q
            r[#r + 1] = n
            r[#r + 1] = oldest
          end
        end
        return r
        """);

    /// <summary>ARGV: P, cutoffTicks, cutoffUs, limit.</summary>
    public static readonly RedisScript Prune = new("prune", Prelude + """
        local cutt, cutus, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
        if limit <= 0 then return 0 end
        local count = 0
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'finished', '-inf', cutus, 'LIMIT', 0, limit)) do
          local j = jk(id)
          local f = redis.call('HMGET', j, 'fa', 'q', 's', 'ik', 'b', 'n')
          if not f[1] or not isfinal(f[3]) then
            redis.call('ZREM', P .. 'finished', id)
          elseif f[1] < cutt then
            redis.call('DEL', j, P .. 'errors:' .. id, P .. 'log:' .. id)
            redis.call('ZREM', P .. 'finished', id)
            local qs = P .. 'qs:' .. f[2] .. ':'
            redis.call('ZREM', qs .. f[3], id)
            if f[5] then redis.call('ZREM', P .. 'batchjobs:' .. f[5], id) end
            if f[6] then redis.call('ZREM', P .. 'name:' .. f[6], id) end
            if f[4] then
              local ik = P .. 'idem:' .. f[4]
              if redis.call('GET', ik) == id then redis.call('DEL', ik) end
            end
            if redis.call('EXISTS', qs .. '0', qs .. '1', qs .. '2', qs .. '3', qs .. '4', qs .. '5', qs .. '6') == 0 then
              redis.call('SREM', P .. 'queues', f[2])
            end
            count = count + 1
          end
        end
        for _, bid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'bfinished', '-inf', cutus, 'LIMIT', 0, limit)) do
          local fa = redis.call('HGET', P .. 'batch:' .. bid, 'fa')
          if not fa then
            redis.call('ZREM', P .. 'bfinished', bid)
          elseif fa < cutt then
            redis.call('DEL', P .. 'batch:' .. bid)
            redis.call('ZREM', P .. 'bfinished', bid)
          end
        end
        return count
        """);
}
