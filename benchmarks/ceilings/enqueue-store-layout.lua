-- The writes the Redis store makes, at the least, for ARGV[3] enqueued jobs (schema 2): one hash per job with the
-- eight fields of an Enqueued job, one ready-set entry (score -priority, member runAt:seq:id, as long as the
-- store's) and, when ARGV[2] is "indexed", one entry in the enqueue-order index of its queue and state. ARGV[1]
-- is the first job's number. The store's own script does more (sequence, queue set, idempotency and batch
-- checks, wake-up): this is a lower bound of its server time.
local base = tonumber(ARGV[1])
local ready = {}
local order = {}
for i = 1, tonumber(ARGV[3]) do
  local seq = string.format('%016d', base + i)
  local id = string.format('019ab697-e800-7a47-8d00-%012x', base + i)
  redis.call('HSET', 'job:' .. id, 'n', 'bench-noop', 'q', 'bench', 's', '1',
    'a', '{"id":"0b3c6f7e-8d1a-4f7e-9a59-0c7c6e2b1d11","name":"job"}',
    'o', '3|30000000000|10000000|638989344000000000', 'ra', '0638989344000000000', 'seq', seq, 'pr', '0')
  ready[#ready + 1] = 0
  ready[#ready + 1] = '0638989344000000000:' .. seq .. ':' .. id
  order[#order + 1] = base + i
  order[#order + 1] = id
end
redis.call('ZADD', 'ready:bench', unpack(ready))
if ARGV[2] == 'indexed' then
  redis.call('ZADD', 'qs:bench:1', unpack(order))
end
return tonumber(ARGV[3])
