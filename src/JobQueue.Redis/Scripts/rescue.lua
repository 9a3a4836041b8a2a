--@include Parts/prelude.lua
--@include Parts/tally.lua
local nowt, nowus, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
local r = {}
if limit <= 0 then return r end
-- Longest-expired first, so a bounded call makes progress on the oldest losses.
local ids = redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', nowus, 'LIMIT', 0, limit)
for _, id in ipairs(ids) do
  local j = jk(id)
  local f = redis.call('HMGET', j, 's', 'le', 'at', 'o', 'q', 'seq', 'pr')
  -- The maximum attempts lead 'o'.
  if f[4] then f[4] = string.match(f[4], '^[^:]*') end
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
