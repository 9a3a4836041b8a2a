--@include Parts/prelude.lua
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
