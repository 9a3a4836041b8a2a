local P, q = ARGV[1], ARGV[2]
if redis.call('HDEL', P .. 'paused', q) == 0 then return 0 end
redis.call('PUBLISH', P .. 'work', q)
return 1
