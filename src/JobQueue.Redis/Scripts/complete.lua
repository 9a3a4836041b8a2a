--@include Parts/prelude.lua
--@include Parts/tally.lua
-- Most completions are of a plain job: Running under the given lease, no limit key, not a child of a batch. Such a
-- job's sorted-set writes go straight into one array per set, sent as one ZREM or ZADD each at the end, as finish()
-- would write them through zset() but without the bookkeeping that lets a script write one member twice (a fifth of
-- a completion's server time went on it). No other write of this script touches these members: every other path
-- here ends jobs that are not Running-and-leased, and each of those is checked in its hash, written at once.
-- Every other job takes finish().
local r = {}
local finishedat, bysets = {}, {}
for i = 2, #ARGV, 6 do
  local id = ARGV[i]
  local f = fields(id)
  if f[1] == '2' and f[8] == ARGV[i + 1] then
    local nowt, nowus, result = ARGV[i + 4], ARGV[i + 5], ARGV[i + 2] == '1' and ARGV[i + 3]
    local q = f[2]
    if q and not f[9] and not (f[6] and f[7] == '1') then
      local j = jk(id)
      if result then
        redis.call('HSET', j, 's', '3', 'fa', nowt, 'r', result)
      else
        redis.call('HSET', j, 's', '3', 'fa', nowt)
      end
      redis.call('HDEL', j, 'lt', 'le', 'w')
      local sets = bysets[q]
      if not sets then
        sets = { left = {}, entered = {} }
        bysets[q] = sets
      end
      sets.left[#sets.left + 1] = id
      sets.entered[#sets.entered + 1] = tonumber(f[3]) and f[3] or 0
      sets.entered[#sets.entered + 1] = id
      finishedat[#finishedat + 1] = nowus
      finishedat[#finishedat + 1] = id
      done[#done + 1] = id
    else
      finish(id, '3', nowt, nowus, f, result)
    end
    tally(q, nowus, 's')
    r[#r + 1] = 1
  else
    r[#r + 1] = 0
  end
end
for q, sets in pairs(bysets) do
  local running, succeeded = P .. 'qs:' .. q .. ':2', P .. 'qs:' .. q .. ':3'
  for i = 1, #sets.left, 1000 do redis.call('ZREM', running, unpack(sets.left, i, math.min(i + 999, #sets.left))) end
  for i = 1, #sets.entered, 1000 do redis.call('ZADD', succeeded, unpack(sets.entered, i, math.min(i + 999, #sets.entered))) end
end
for i = 1, #finishedat, 1000 do redis.call('ZADD', P .. 'finished', unpack(finishedat, i, math.min(i + 999, #finishedat))) end
flush()
flushtally()
return r
