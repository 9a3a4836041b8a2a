--@ The head of most scripts: the prefix P, job helpers, and the sorted-set writes and messages that flush() sends
--@ together at the end of the script.
local P = ARGV[1]
local function jk(id) return P .. 'job:' .. id end
local function isfinal(s) return s == '3' or s == '4' or s == '5' end
--@include Parts/new-members.lua
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
-- f is fields(id) when the caller already read it; result, when given, is written as 'r' with the state.
finish = function(id, st, nowt, nowus, f, result)
  local j = jk(id)
  f = f or fields(id)
  local old = f[1]
  if old == '2' then
    redis.call('HDEL', j, 'lt', 'le', 'w')
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
  if result then
    redis.call('HSET', j, 's', st, 'fa', nowt, 'r', result)
  else
    redis.call('HSET', j, 's', st, 'fa', nowt)
  end
  zset(P .. 'finished', id, nowus)
  if st ~= '3' and f[5] and f[10] ~= '3' then
    local ik = P .. 'idem:' .. f[5]
    if redis.call('GET', ik) == id then redis.call('DEL', ik) end
  end
  done[#done + 1] = id
  if f[6] and f[7] == '1' then childdone(f[6], st == '3', nowt, nowus) end
end
