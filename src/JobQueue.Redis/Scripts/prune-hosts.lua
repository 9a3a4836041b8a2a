local P, nowt, nowus, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
if limit <= 0 then return 0 end
local count = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'hosts', '-inf', nowus, 'LIMIT', 0, limit)) do
  local key = P .. 'host:' .. id
  local e = redis.call('HGET', key, 'e')
  -- A record without a readable expiry (damaged) is pruned by its score alone.
  if not e or string.len(e) ~= 19 or e <= nowt then
    redis.call('DEL', key)
    redis.call('ZREM', P .. 'hosts', id)
    count = count + 1
  end
end
return count
