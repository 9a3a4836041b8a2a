local P, nowt, nowus, decl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local out = {}
for o = 5, #ARGV, 14 do
  local id, name, cron, zone, args = ARGV[o], ARGV[o + 1], ARGV[o + 2], ARGV[o + 3], ARGV[o + 4]
  local q, pr = false, false
  if ARGV[o + 5] == '1' then q = ARGV[o + 6] end
  if ARGV[o + 7] == '1' then pr = ARGV[o + 8] end
  local mf, mc, ov, nrt, nrus = ARGV[o + 9], ARGV[o + 10], ARGV[o + 11], ARGV[o + 12], ARGV[o + 13]
  local k = P .. 'recurring:job:' .. id
  local cur = redis.call('HMGET', k, 'n', 'c', 'z', 'a', 'q', 'pr', 'mf', 'mc', 'ov', 'p', 'v')
  local outcome
  if not cur[11] then
    redis.call('HSET', k, 'n', name, 'c', cron, 'z', zone, 'a', args, 'mf', mf, 'mc', mc, 'ov', ov, 'p', '0', 'nr', nrt,
      'v', '1', 'ca', nowt, 'ua', nowt)
    if q then redis.call('HSET', k, 'q', q) end
    if pr then redis.call('HSET', k, 'pr', pr) end
    redis.call('ZADD', P .. 'recurring:due', nrus, id)
    redis.call('ZADD', P .. 'recurring:ids', 0, id)
    outcome = 0
  elseif cur[1] == name and cur[2] == cron and cur[3] == zone and cur[4] == args and cur[5] == q and cur[6] == pr
      and cur[7] == mf and cur[8] == mc and cur[9] == ov then
    outcome = 2
  else
    -- A new cron or time zone restarts the schedule at the given next run time; other changes keep it.
    if cur[2] ~= cron or cur[3] ~= zone then
      redis.call('HSET', k, 'nr', nrt)
      if cur[10] ~= '1' then redis.call('ZADD', P .. 'recurring:due', nrus, id) end
    end
    redis.call('HSET', k, 'n', name, 'c', cron, 'z', zone, 'a', args, 'mf', mf, 'mc', mc, 'ov', ov, 'ua', nowt)
    if q then redis.call('HSET', k, 'q', q) else redis.call('HDEL', k, 'q') end
    if pr then redis.call('HSET', k, 'pr', pr) else redis.call('HDEL', k, 'pr') end
    redis.call('HINCRBY', k, 'v', 1)
    outcome = 1
  end
  if decl == '1' then
    redis.call('HSET', k, 'd', nowt)
    redis.call('ZADD', P .. 'recurring:declared', nowus, id)
  else
    redis.call('HDEL', k, 'd')
    redis.call('ZREM', P .. 'recurring:declared', id)
  end
  out[#out + 1] = outcome
end
return out
