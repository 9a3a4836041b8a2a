local P, beforet, beforeus, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'recurring:declared', '-inf', beforeus)) do
  if #out >= limit then break end
  local d = redis.call('HGET', P .. 'recurring:job:' .. id, 'd')
  if d and d < beforet then
    redis.call('DEL', P .. 'recurring:job:' .. id)
    redis.call('ZREM', P .. 'recurring:due', id)
    redis.call('ZREM', P .. 'recurring:ids', id)
    redis.call('ZREM', P .. 'recurring:declared', id)
    out[#out + 1] = id
  elseif not d then
    redis.call('ZREM', P .. 'recurring:declared', id)
  end
end
return out
