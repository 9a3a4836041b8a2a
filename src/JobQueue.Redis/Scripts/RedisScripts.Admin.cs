namespace JobQueue.Redis.Scripts;

// Job administration: listing pages of jobs, retry, delete, and the throughput counts. Keys, all under the prefix P
// (so a cluster keeps them in the prefix's slot): name:N (zset of a name's jobs scored by enqueue sequence, schema
// 3), tp:M (hash per minute M, whole minutes since the Unix epoch: fields "s:QUEUE" and "f:QUEUE" count the attempts
// that succeeded and failed) and tpm (zset of the minutes that have a tp:M, scored by M).
internal static partial class RedisScripts
{
    /// <summary>
    /// Counting ended attempts for the throughput chart, for scripts that end attempts: tally() collects per minute
    /// and field, flushtally() writes one HINCRBY per (minute, queue, outcome) of the call, not one per job.
    /// </summary>
    private const string Tally = """
        local tallies, tallyminutes = {}, {}
        local function tally(q, nowus, kind)
          local us = tonumber(nowus)
          if not q or not us then return end
          local m = string.format('%d', math.floor(us / 60000000))
          local t = tallies[m]
          if not t then
            t = {}
            tallies[m] = t
            tallyminutes[#tallyminutes + 1] = m
          end
          local field = kind .. ':' .. q
          t[field] = (t[field] or 0) + 1
        end
        local function flushtally()
          for _, m in ipairs(tallyminutes) do
            for field, n in pairs(tallies[m]) do redis.call('HINCRBY', P .. 'tp:' .. m, field, n) end
            redis.call('ZADD', P .. 'tpm', m, m)
          end
          tallies, tallyminutes = {}, {}
        end

        """;

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
    public static readonly RedisScript QueryPage = new("query-page", Prelude + """
        local q, s, b, n, text = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
        local after, limit, countlimit = ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9])

        local sets, guaranteed = {}, false
        if b ~= '' then
          sets = { P .. 'batchjobs:' .. b }
        elseif n ~= '' then
          sets = { P .. 'name:' .. n }
        else
          local queues, states = { q }, { s }
          if q == '' then queues = redis.call('SMEMBERS', P .. 'queues') end
          if s == '' then states = { '0', '1', '2', '3', '4', '5', '6' } end
          for _, qn in ipairs(queues) do
            for _, sn in ipairs(states) do sets[#sets + 1] = P .. 'qs:' .. qn .. ':' .. sn end
          end
          guaranteed = text == ''
        end

        local function lasterror(id)
          local e = redis.call('LINDEX', P .. 'errors:' .. id, -1)
          if not e then return nil end
          local ok, v = pcall(cjson.decode, e)
          if not ok or type(v) ~= 'table' then return nil end
          return v
        end

        local function matches(id)
          if guaranteed then return true end
          local f = redis.call('HMGET', jk(id), 'q', 's', 'b', 'n', 'a')
          if not f[1] and not f[2] then return false end
          if q ~= '' and f[1] ~= q then return false end
          if s ~= '' and f[2] ~= s then return false end
          if b ~= '' and f[3] ~= b then return false end
          if n ~= '' and f[4] ~= n then return false end
          if text == '' then return true end
          if f[5] and string.find(string.lower(f[5]), text, 1, true) then return true end
          local e = lasterror(id)
          if not e then return false end
          for _, k in ipairs({ 't', 'm' }) do
            if type(e[k]) == 'string' and string.find(string.lower(e[k]), text, 1, true) then return true end
          end
          return false
        end

        -- Calls visit(id, seq) for the members of the sets below the bound, newest first, until it returns false.
        -- Each round takes the newest 'chunk' below the bound from every set: the newest 'chunk' of their union
        -- are among them, so those are visited in order, and the bound moves below the last.
        local function walk(bound, visit)
          local chunk = 200
          while true do
            local all = {}
            for _, key in ipairs(sets) do
              local m = redis.call('ZREVRANGEBYSCORE', key, bound, '-inf', 'WITHSCORES', 'LIMIT', 0, chunk)
              for i = 1, #m, 2 do all[#all + 1] = { tonumber(m[i + 1]), m[i] } end
            end
            if #all == 0 then return end
            if #sets > 1 then table.sort(all, function(x, y) return x[1] > y[1] end) end
            local upto = math.min(#all, chunk)
            for i = 1, upto do
              if visit(all[i][2], all[i][1]) == false then return end
            end
            bound = '(' .. string.format('%d', all[upto][1])
          end
        end

        local page, nextpos = {}, false
        local lastseq = nil
        if limit > 0 then
          local bound = '+inf'
          if after ~= '' then bound = '(' .. after end
          walk(bound, function(id, seq)
            if not matches(id) then return true end
            if #page == limit then
              nextpos = string.format('%d', lastseq)
              return false
            end
            local job = read(id)
            if job then
              page[#page + 1] = job
              lastseq = seq
            end
            return true
          end)
        end

        local total = 0
        if countlimit > 0 then
          if guaranteed or (b == '' and n ~= '' and q == '' and s == '' and text == '') or (b ~= '' and q == '' and s == '' and n == '' and text == '') then
            for _, key in ipairs(sets) do total = total + redis.call('ZCARD', key) end
          else
            walk('+inf', function(id)
              if matches(id) then total = total + 1 end
              return total <= countlimit
            end)
          end
        end

        return { nextpos, total, page }
        """);

    /// <summary>
    /// ARGV: P, nowTicks, nowUs, ids...; per id a <see cref="JobQueue.Storage.RetryOutcome"/> number. Each job is checked and
    /// retried in this one script, so nothing can change between the check and the write.
    /// </summary>
    public static readonly RedisScript Retry = new("retry", Prelude + """
        local nowt, nowus = ARGV[2], ARGV[3]
        local r = {}
        for i = 4, #ARGV do
          local id = ARGV[i]
          local j = jk(id)
          local f = redis.call('HMGET', j, 's', 'q', 'seq', 'pr', 'ik', 'b', 'child', 'at', 'o', 'ma')
          local s, bid, child = f[1], f[6], f[7] == '1'
          local outcome = 1
          if not s then
            outcome = 0
          elseif not (s == '0' or s == '1' or s == '2' or s == '3' or s == '4' or s == '5' or s == '6') or not f[2] then
            outcome = 7
          elseif s == '3' then
            outcome = 3
          elseif s == '5' and bid and not child then
            outcome = 5
          elseif s ~= '4' and s ~= '5' then
            outcome = 2
          end
          local bk = nil
          if outcome == 1 and bid and child and redis.call('EXISTS', P .. 'batch:' .. bid) == 1 then
            bk = P .. 'batch:' .. bid
            if redis.call('HGET', bk, 'fj') then outcome = 4 end
          end
          if outcome == 1 and f[5] then
            local holder = redis.call('GET', P .. 'idem:' .. f[5])
            if holder and holder ~= id and holding(holder, nowt) then outcome = 6 end
          end
          if outcome == 1 then
            zset(P .. 'finished', id, false)
            redis.call('HDEL', j, 'fa')
            -- One more attempt when it had used them all: schema 2 keeps the maximum first in 'o'; schema 1 in 'ma'.
            local at = tonumber(f[8]) or 0
            if f[10] then
              if (tonumber(f[10]) or 0) < at + 1 then redis.call('HSET', j, 'ma', at + 1) end
            elseif f[9] then
              local ma, rest = string.match(f[9], '^([^:]*)(.*)$')
              if (tonumber(ma) or 0) < at + 1 then redis.call('HSET', j, 'o', string.format('%d', at + 1) .. rest) end
            end
            if f[5] then redis.call('SET', P .. 'idem:' .. f[5], id) end
            if bk then
              -- Pending again in its batch, which stays Failed: its outcome was decided at its first failure.
              redis.call('HINCRBY', bk, 'ko', -1)
              redis.call('HDEL', bk, 'fa')
              zset(P .. 'bfinished', bid, false)
            end
            index(id, f[2], f[3], s, '1')
            ready(id, f[2], f[4], nowt, f[3])
          end
          r[#r + 1] = outcome
        end
        flush()
        return r
        """);

    /// <summary>ARGV: P, ids...; per id 0 not found, 1 deleted, 2 not finished. Deletes as prune does, with every index entry.</summary>
    public static readonly RedisScript Delete = new("delete", Prelude + """
        local r = {}
        for i = 2, #ARGV do
          local id = ARGV[i]
          local j = jk(id)
          local f = redis.call('HMGET', j, 's', 'q', 'ik', 'b', 'n')
          local s = f[1]
          if not s then
            r[#r + 1] = 0
          elseif s == '0' or s == '1' or s == '2' or s == '6' then
            r[#r + 1] = 2
          else
            redis.call('DEL', j, P .. 'errors:' .. id, P .. 'log:' .. id)
            redis.call('ZREM', P .. 'finished', id)
            if f[2] then
              local qs = P .. 'qs:' .. f[2] .. ':'
              if isfinal(s) then
                redis.call('ZREM', qs .. s, id)
              else
                -- A state that is none (a damaged hash): the job may be in any of its queue's sets.
                for st = 0, 6 do redis.call('ZREM', qs .. st, id) end
              end
              if redis.call('EXISTS', qs .. '0', qs .. '1', qs .. '2', qs .. '3', qs .. '4', qs .. '5', qs .. '6') == 0 then
                redis.call('SREM', P .. 'queues', f[2])
              end
            end
            if f[4] then redis.call('ZREM', P .. 'batchjobs:' .. f[4], id) end
            if f[5] then redis.call('ZREM', P .. 'name:' .. f[5], id) end
            if f[3] then
              local ik = P .. 'idem:' .. f[3]
              if redis.call('GET', ik) == id then redis.call('DEL', ik) end
            end
            r[#r + 1] = 1
          end
        end
        return r
        """);

    /// <summary>ARGV: P, the first minute to read. Returns per minute: the minute, then its hash (field, count, ...).</summary>
    public static readonly RedisScript Throughput = new("throughput", """
        local P = ARGV[1]
        local r = {}
        for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'tpm', ARGV[2], '+inf')) do
          r[#r + 1] = m
          r[#r + 1] = redis.call('HGETALL', P .. 'tp:' .. m)
        end
        return r
        """);

    /// <summary>ARGV: P, the first minute to keep, limit. Deletes up to limit (minute, queue) counts, oldest first.</summary>
    public static readonly RedisScript PruneThroughput = new("prune-throughput", """
        local P, keep, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
        local pruned = 0
        if limit <= 0 then return 0 end
        for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'tpm', '-inf', '(' .. keep, 'LIMIT', 0, limit)) do
          local key = P .. 'tp:' .. m
          local order, byqueue = {}, {}
          for _, field in ipairs(redis.call('HKEYS', key)) do
            local queue = string.sub(field, 3)
            if not byqueue[queue] then
              byqueue[queue] = {}
              order[#order + 1] = queue
            end
            table.insert(byqueue[queue], field)
          end
          for _, queue in ipairs(order) do
            if pruned == limit then break end
            redis.call('HDEL', key, unpack(byqueue[queue]))
            pruned = pruned + 1
          end
          if redis.call('EXISTS', key) == 0 then redis.call('ZREM', P .. 'tpm', m) end
          if pruned == limit then break end
        end
        return pruned
        """);
}
