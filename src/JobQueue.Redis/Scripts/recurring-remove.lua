local P, id = ARGV[1], ARGV[2]
local removed = redis.call('DEL', P .. 'recurring:job:' .. id)
redis.call('ZREM', P .. 'recurring:due', id)
redis.call('ZREM', P .. 'recurring:ids', id)
redis.call('ZREM', P .. 'recurring:declared', id)
return removed
