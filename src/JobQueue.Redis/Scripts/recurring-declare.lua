local P, nowt, nowus = ARGV[1], ARGV[2], ARGV[3]
local out = {}
for i = 4, #ARGV do
  local k = P .. 'recurring:job:' .. ARGV[i]
  if redis.call('HEXISTS', k, 'd') == 1 then
    redis.call('HSET', k, 'd', nowt)
    redis.call('ZADD', P .. 'recurring:declared', nowus, ARGV[i])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
