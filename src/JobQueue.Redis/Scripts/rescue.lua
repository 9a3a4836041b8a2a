--@include Parts/prelude.lua
--@include Parts/tally.lua
local nowt, nowus, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
local r = {}
if limit <= 0 then return r end
-- The running jobs are the members of each queue's Running index, and a lease's expiry is its hash's 'le': no set
-- of leases by expiry is kept, since writing one on every fetch and completion cost the processing of every job
-- more than this walk costs a rescue, which reads one field per running job every rescue interval per host.
-- A lease without an expiry counts as expired; one whose expiry does not read as ticks sorts after every time,
-- so it is never taken for expired (a renewal writes it anew).
local expired = {}
for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
  for _, id in ipairs(redis.call('ZRANGE', P .. 'qs:' .. q .. ':2', 0, -1)) do
    local le = redis.call('HGET', jk(id), 'le') or ''
    if le <= nowt then expired[#expired + 1] = { le, id } end
  end
end
-- Longest-expired first, so a bounded call makes progress on the oldest losses.
table.sort(expired, function(a, b) return a[1] < b[1] end)
for i = 1, math.min(limit, #expired) do
  local id = expired[i][2]
  local j = jk(id)
  local f = redis.call('HMGET', j, 's', 'at', 'o', 'q', 'seq', 'pr')
  -- The maximum attempts lead 'o'.
  if f[3] then f[3] = string.match(f[3], '^[^:]*') end
  if f[1] == '2' then
    -- A job whose attempt, maximum, queue or priority does not read is failed rather than made ready: no script
    -- errors over it (which would stop every rescue behind it), and its reader reports the damage.
    local at, ma = tonumber(f[2]), tonumber(f[3])
    redis.call('RPUSH', P .. 'errors:' .. id, cjson.encode({ t = ARGV[5], m = ARGV[6], a = at, at = nowt }))
    tally(f[4], nowus, 'f')
    if at and ma and f[4] and tonumber(f[6]) and at < ma then
      unlease(id)
      index(id, f[4], f[5], '2', '1')
      ready(id, f[4], f[6], nowt, f[5])
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
