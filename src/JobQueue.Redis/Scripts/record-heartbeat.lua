local P, id = ARGV[1], ARGV[2]
local key = P .. 'host:' .. id
redis.call('DEL', key)
redis.call('HSET', key, unpack(ARGV, 4))
redis.call('ZADD', P .. 'hosts', ARGV[3], id)
return 1
