local P = ARGV[1]
local version = redis.call('GET', P .. 'schema')
if version == '4' and redis.call('EXISTS', P .. 'jobs', P .. 'leases') == 0 then return 0 end
-- Schema 4 keeps no set of leases by expiry (the rescue reads the Running index and each job's 'le'): the set of
-- schema 3, or one a host of that version wrote again, is only dead weight.
local dead = { P .. 'jobs', P .. 'leases' }
for s = 0, 6 do dead[#dead + 1] = P .. 'state:' .. s end
for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do dead[#dead + 1] = P .. 'queue:' .. q end
for i = 1, #dead, 1000 do redis.call('UNLINK', unpack(dead, i, math.min(i + 999, #dead))) end
if version ~= '3' and version ~= '4' then
  -- Schema 3 lists a name's jobs from name:N: every stored job joins its name's set, by its enqueue sequence.
  for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
    for s = 0, 6 do
      local m = redis.call('ZRANGE', P .. 'qs:' .. q .. ':' .. s, 0, -1, 'WITHSCORES')
      for i = 1, #m, 2 do
        local n = redis.call('HGET', P .. 'job:' .. m[i], 'n')
        if n then redis.call('ZADD', P .. 'name:' .. n, m[i + 1], m[i]) end
      end
    end
  end
end
redis.call('SET', P .. 'schema', '4')
return 1
