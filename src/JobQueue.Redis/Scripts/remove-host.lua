local P, id = ARGV[1], ARGV[2]
redis.call('DEL', P .. 'host:' .. id)
return redis.call('ZREM', P .. 'hosts', id)
