-- The writes the Redis store makes, at the least, to fetch ARGV[2] jobs and complete them (schema 4): pop from
-- the ready set, mark Running with a lease (hash, index move), then mark Succeeded (hash, index move, finished
-- set). The store's own scripts also return each job's fields, publish finish signals and
-- keep batch counts: this is a lower bound of their server time.
local popped = redis.call('ZPOPMIN', 'ready:bench', tonumber(ARGV[2]))
local ids = {}
for i = 1, #popped, 2 do
  local id = string.sub(popped[i], -36)
  ids[#ids + 1] = id
  redis.call('HSET', 'job:' .. id, 's', '2', 'lt', '0b3c6f7e-8d1a-4f7e-9a59-0c7c6e2b1d11', 'le', '638989344000000000',
    'w', 'worker-1', 'st', '638989344000000000', 'at', '1')
  redis.call('ZREM', 'qs:bench:1', id)
  redis.call('ZADD', 'qs:bench:2', 1, id)
end
for _, id in ipairs(ids) do
  local seq = redis.call('HGET', 'job:' .. id, 'seq')
  redis.call('ZREM', 'qs:bench:2', id)
  redis.call('HSET', 'job:' .. id, 's', '3', 'f', '638989344000000000', 'r', 'null')
  redis.call('HDEL', 'job:' .. id, 'lt', 'le', 'w')
  redis.call('ZADD', 'qs:bench:3', seq, id)
  redis.call('ZADD', 'finished', 638989344000000000, id)
end
return #ids
