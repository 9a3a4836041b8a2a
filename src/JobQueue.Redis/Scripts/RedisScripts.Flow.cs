namespace JobQueue.Redis.Scripts;

// Flow control: limits at fetch, holds and the flow state. Keys, all under the prefix P (so a cluster keeps them in the
// prefix's slot): parked:KEY (zset of the ready members of Enqueued jobs set aside over their key's concurrency limit,
// scored as in the ready set; see unpark() of the prelude), run:KEY (set of the ids of the Running jobs with limit key KEY, added at lease, removed by unlease()
// and finish() of the prelude, the only ways out of Running; read with a self-repair, see FetchLimited), starts:SCOPE
// (zset of the starts recorded in a rate scope, scored by unix microseconds, member "ticks(19):id:leaseToken" so each
// lease is its own member and the exact time is kept), and holds (hash: scope to the hold's end in ticks). A job hash
// keeps its limit key in 'lk'.
internal static partial class RedisScripts
{
    /// <summary>
    /// The holds a fetch applies, for scripts whose locals include P and nowt: held(name, limitKey) tells whether a job
    /// is held. A fetch without holds pays one HLEN; a few holds are read once (and those that ended are deleted, so the
    /// fetch is back to one HLEN when they are over); many are looked up per job.
    /// </summary>
    private const string Holds = """
        local holds, holdsmany = false, false
        do
          local hn = redis.call('HLEN', P .. 'holds')
          if hn > 100 then
            holdsmany = true
          elseif hn > 0 then
            local h = redis.call('HGETALL', P .. 'holds')
            local ended = {}
            holds = {}
            for i = 1, #h, 2 do
              if h[i + 1] > nowt then holds[h[i]] = true else ended[#ended + 1] = h[i] end
            end
            if #ended > 0 then redis.call('HDEL', P .. 'holds', unpack(ended)) end
            if next(holds) == nil then holds = false end
          end
        end
        local function held(n, lk)
          if holds then
            return (lk ~= nil and holds['key:' .. lk] == true) or (n ~= nil and holds['name:' .. n] == true)
          end
          if not holdsmany then return false end
          local u = redis.call('HMGET', P .. 'holds', 'key:' .. (lk or ''), 'name:' .. (n or ''))
          return (lk ~= nil and u[1] ~= false and u[1] > nowt) or (n ~= nil and u[2] ~= false and u[2] > nowt)
        end

        """;

    /// <summary>
    /// lease(id, j, f): leases a ready job whose hash (as a table) is f, for scripts whose locals include q, nowt,
    /// token, let, leus and worker; returns the fetch's reply item for it.
    /// </summary>
    private const string LeaseFunction = """
        local function lease(id, j, f)
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
          return { id, now, errors }
        end

        """;

    /// <summary>
    /// Rate scopes for scripts whose locals include P, nowt and nowus: ratecount(scope, lim) counts the starts after
    /// now - period of lim = { n = starts, lot = (now - period) in ticks, lous = the same in microseconds }, and deletes
    /// the starts well before the window; started(scope, id) records a start at now.
    /// </summary>
    /// <remarks>
    /// <para>Starts recorded after now count too: fetches of several hosts reach the server in another order than their
    /// nows, and a start is only ever admitted while the starts after its own now - period are fewer than the limit, so
    /// no window of one period, wherever it lies, can hold more (the last start admitted into it saw all the others).
    /// The window's text, (now - period, now], would let a fetch whose now is a little behind add to a window full
    /// already: the multi-process scenario showed 28 starts in one second under a limit of 20.</para>
    /// <para>For the same reason starts are deleted only some seconds after they left the window, so a fetch whose now
    /// is behind still sees them. Scores (microseconds) narrow the window; starts at its edge score are checked
    /// against the ticks their members begin with, so it is exact. Counts are cached per scope and window for the
    /// script, and raised by its own starts.</para>
    /// </remarks>
    private const string Rates = """
        local ratecounts = {}
        local function window(key, lot, lous)
          local c = redis.call('ZCOUNT', key, '(' .. lous, '+inf')
          for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, lous, lous)) do
            if string.sub(m, 1, 19) > lot then c = c + 1 end
          end
          return c
        end
        local function ratecount(scope, lim)
          local byscope = ratecounts[scope]
          if not byscope then
            byscope = {}
            ratecounts[scope] = byscope
          end
          local c = byscope[lim.lot]
          if not c then
            local key = P .. 'starts:' .. scope
            -- Starts that left the window 5 seconds ago count for no fetch any more: deleted on the way.
            redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%d', tonumber(lim.lous) - 5000000))
            c = window(key, lim.lot, lim.lous)
            byscope[lim.lot] = c
          end
          return c
        end
        local function started(scope, id)
          redis.call('ZADD', P .. 'starts:' .. scope, nowus, nowt .. ':' .. id .. ':' .. token)
          local byscope = ratecounts[scope]
          if byscope then
            for lot, c in pairs(byscope) do byscope[lot] = c + 1 end
          end
        end

        """;

    /// <summary>
    /// The running jobs with a limit key, for scripts whose locals include P: runcount(lk, limit) counts the members of
    /// run:lk that are Running with that key, and removes those that are not (a cheap self-repair: a set written by a
    /// version without this bookkeeping, or by hand). With a limit it stops at the limit (no room is no room), so its
    /// cost is bounded by the limit, not by the set. Cached for the script; the caller counts its own leases in.
    /// </summary>
    private const string RunningWithKey = """
        local runcounts = {}
        local function runcount(lk, limit)
          local e = runcounts[lk]
          if e and (e.full or (limit and e.c >= limit)) then return e.c end
          local rk = P .. 'run:' .. lk
          local c, full = 0, true
          for _, id in ipairs(redis.call('SMEMBERS', rk)) do
            if limit and c >= limit then
              full = false
              break
            end
            local g = redis.call('HMGET', P .. 'job:' .. id, 's', 'lk')
            if g[1] == '2' and g[2] == lk then c = c + 1 else redis.call('SREM', rk, id) end
          end
          runcounts[lk] = { c = c, full = full }
          return c
        end

        """;

    /// <summary>
    /// ARGV: P, queue, limit, nowTicks, token, leaseTicks, leaseUs, worker, nowUs, maxSkipped, queueConcurrency or '',
    /// queue rate (3), concurrencyPerKey or '', rate per key (3), name count, then per name: name, concurrencyPerKey or '',
    /// rate (3), rate per key (3). A rate is starts, windowStartTicks, windowStartUs, or three ''.
    /// Returns the leased jobs as <see cref="Fetch"/> does.
    /// </summary>
    /// <remarks>
    /// <para>One script, so fetches with limits are atomic with respect to each other (and to every other change) on
    /// every host: no two of them can both take the last room of a limit.</para>
    /// <para>Unlike <see cref="Fetch"/> it walks the ready set in order instead of popping it: a job over a limit stays
    /// where it is, untouched, and the walk goes on past it until the fetch has its jobs, has skipped maxSkipped of
    /// them, or the queue's own limits have no room.</para>
    /// </remarks>
    public static readonly RedisScript FetchLimited = new("fetch-limited", Prelude + """
        local q, limit, nowt, token, let, leus, worker = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
        local nowus, maxskip = ARGV[9], tonumber(ARGV[10])
        if redis.call('HEXISTS', P .. 'paused', q) == 1 then return {} end

        """ + Holds + LeaseFunction + Rates + RunningWithKey + """
        local function rate(o)
          if ARGV[o] == '' then return false end
          return { n = tonumber(ARGV[o]), lot = ARGV[o + 1], lous = ARGV[o + 2] }
        end
        local qc, qrate, cpk, rpk = tonumber(ARGV[11]), rate(12), tonumber(ARGV[15]), rate(16)
        local names = {}
        for i = 0, tonumber(ARGV[19]) - 1 do
          local o = 20 + i * 8
          names[ARGV[o]] = { cpk = tonumber(ARGV[o + 1]), rate = rate(o + 2), rpk = rate(o + 5) }
        end
        local none = {}
        local qrun = 0
        if qc then qrun = redis.call('ZCARD', P .. 'qs:' .. q .. ':2') end
        local qscope = 'queue:' .. q

        local key = P .. 'ready:' .. q
        local r = {}
        local skipped, offset, stop = 0, 0, false
        while not stop and #r < limit do
          local members = redis.call('ZRANGE', key, offset, offset + 99)
          if #members == 0 then break end
          for _, m in ipairs(members) do
            if stop or #r >= limit then break end
            -- The member is "runAt(19):seq(16):id".
            local id = string.sub(m, 38)
            if string.sub(m, 1, 19) > nowt then
              -- Made ready with a later now than this request's: not due yet for it, left where it is.
              offset = offset + 1
              skipped = skipped + 1
            else
              local j = jk(id)
              local h = redis.call('HGETALL', j)
              local f = {}
              for k = 1, #h, 2 do f[h[k]] = h[k + 1] end
              if f.s ~= '1' then
                -- Not ready any more (the plain fetch drops such a member as it pops it).
                redis.call('ZREM', key, m)
              elseif (qc and qrun >= qc) or (qrate and ratecount(qscope, qrate) >= qrate.n) then
                -- The queue's own limits apply to every job behind this one as well.
                stop = true
              else
                local nl = (f.n and names[f.n]) or none
                local kc, nr, kr = false, nl.rate, false
                if f.lk then
                  kc = nl.cpk or cpk
                  kr = nl.rpk or rpk
                end
                local ok = not held(f.n, f.lk)
                local park, full = false, false
                if ok and kc and runcount(f.lk, kc) >= kc then
                  ok = false
                  full = true
                  -- Only a job of a key that runs can be brought back by a job of it leaving Running.
                  park = kc > 0
                end
                if ok and nr and ratecount('name:' .. f.n, nr) >= nr.n then ok = false end
                if ok and kr and ratecount('key:' .. f.lk, kr) >= kr.n then ok = false end
                if park then
                  -- Over its key's concurrency: set aside with its key, so no later fetch walks it again, until a job
                  -- of the key leaves Running (unrun() of the prelude puts it back). Not a skip.
                  redis.call('ZREM', key, m)
                  redis.call('ZADD', P .. 'parked:' .. f.lk, -(tonumber(f.pr) or 0), m)
                elseif ok then
                  redis.call('ZREM', key, m)
                  r[#r + 1] = lease(id, j, f)
                  qrun = qrun + 1
                  if f.lk and runcounts[f.lk] then runcounts[f.lk].c = runcounts[f.lk].c + 1 end
                  -- One start per rate scope that applied to the job, and only those.
                  if qrate then started(qscope, id) end
                  if nr then started('name:' .. f.n, id) end
                  if kr then started('key:' .. f.lk, id) end
                else
                  -- Passed over for its key's concurrency, a job is no skip (see FetchLimits.MaxSkipped).
                  offset = offset + 1
                  if not full then skipped = skipped + 1 end
                end
              end
            end
            if skipped >= maxskip then stop = true end
          end
        end
        flush()
        return r
        """);

    /// <summary>ARGV: P, nowTicks, then per hold: scope, untilTicks. A scope keeps the later end; holds that ended are deleted.</summary>
    public static readonly RedisScript Hold = new("hold", """
        local P, nowt = ARGV[1], ARGV[2]
        local key = P .. 'holds'
        -- Ended holds are swept while there are few (a fetch sweeps them too); many are left to the fetch's lookups.
        if redis.call('HLEN', key) <= 1000 then
          local h = redis.call('HGETALL', key)
          local ended = {}
          for i = 1, #h, 2 do
            if h[i + 1] <= nowt then ended[#ended + 1] = h[i] end
          end
          for i = 1, #ended, 1000 do redis.call('HDEL', key, unpack(ended, i, math.min(i + 999, #ended))) end
        end
        for i = 3, #ARGV, 2 do
          local scope, untilt = ARGV[i], ARGV[i + 1]
          if untilt > nowt then
            local cur = redis.call('HGET', key, scope)
            if not cur or untilt > cur then redis.call('HSET', key, scope, untilt) end
          end
        end
        return 0
        """);

    /// <summary>
    /// ARGV: P, queue, limitKey or '', name, nowTicks, nowUs, then per rate scope: scope, starts, windowStartTicks,
    /// windowStartUs. Returns paused (0/1), running in queue, running with key, held until (ticks) or '', then per rate
    /// scope '' when it has room, else the ticks of the start that must leave the window before it has room.
    /// </summary>
    public static readonly RedisScript FlowStateRead = new("flow-state", """
        local P, q, lk, n, nowt, nowus = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
        local token = ''

        """ + Rates + RunningWithKey + """
        local r = {}
        r[1] = redis.call('HEXISTS', P .. 'paused', q)
        r[2] = redis.call('ZCARD', P .. 'qs:' .. q .. ':2')
        local heldto = ''
        if lk ~= '' then
          r[3] = runcount(lk, nil)
          local u = redis.call('HGET', P .. 'holds', 'key:' .. lk)
          if u and u > nowt then heldto = u end
        else
          r[3] = 0
        end
        local u = redis.call('HGET', P .. 'holds', 'name:' .. n)
        if u and u > nowt and u > heldto then heldto = u end
        r[4] = heldto
        for i = 7, #ARGV, 4 do
          local key = P .. 'starts:' .. ARGV[i]
          local starts, lot, lous = tonumber(ARGV[i + 1]), ARGV[i + 2], ARGV[i + 3]
          local c = window(key, lot, lous)
          if c < starts then
            r[#r + 1] = ''
          else
            -- Ascending (score, member) order is time order (members begin with their ticks), and the window's
            -- members follow each other in it: those before it are below lous, or at lous and not after lot.
            local before = redis.call('ZCOUNT', key, '-inf', '(' .. lous)
            for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, lous, lous)) do
              if string.sub(m, 1, 19) <= lot then before = before + 1 end
            end
            local at = before + c - starts
            r[#r + 1] = string.sub(redis.call('ZRANGE', key, at, at)[1], 1, 19)
          end
        end
        return r
        """);
}
