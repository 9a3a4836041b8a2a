local P = ARGV[1]
local r = {}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'tpm', ARGV[2], '+inf')) do
  r[#r + 1] = m
  r[#r + 1] = redis.call('HGETALL', P .. 'tp:' .. m)
end
return r
