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
