--@include Parts/new-members.lua
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
