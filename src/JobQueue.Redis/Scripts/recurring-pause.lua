local P, id, paused, nrt, nrus, nowt = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local k = P .. 'recurring:job:' .. id
local p = redis.call('HGET', k, 'p')
if not p then return 0 end
if p ~= paused then
  redis.call('HSET', k, 'p', paused, 'ua', nowt)
  redis.call('HINCRBY', k, 'v', 1)
  if paused == '1' then
    redis.call('ZREM', P .. 'recurring:due', id)
  else
    redis.call('HSET', k, 'nr', nrt)
    redis.call('ZADD', P .. 'recurring:due', nrus, id)
  end
end
return 1
