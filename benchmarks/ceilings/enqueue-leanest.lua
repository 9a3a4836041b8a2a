-- The leanest layout that still answers "what is job X's status": one hash per job and one list entry, for
-- 1,000 jobs. No priorities, no run-time order, no index for queries; no JobQueue layout is this lean.
local base = tonumber(ARGV[1])
local ready = {}
for i = 1, 1000 do
  local id = string.format('019ab697-e800-7a47-8d00-%012x', base + i)
  redis.call('HSET', 'job:' .. id, 'n', 'bench-noop', 'q', 'bench', 's', '1',
    'a', '{"id":"0b3c6f7e-8d1a-4f7e-9a59-0c7c6e2b1d11","name":"job"}',
    'o', '3|30000000000|10000000|638989344000000000', 'ra', '0638989344000000000', 'seq', string.format('%016d', base + i), 'pr', '0')
  ready[#ready + 1] = id
end
redis.call('LPUSH', 'list:bench', unpack(ready))
return 1000
