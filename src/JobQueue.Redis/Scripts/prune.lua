--@include Parts/prelude.lua
local cutt, cutus, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
if limit <= 0 then return 0 end
local count = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'finished', '-inf', cutus, 'LIMIT', 0, limit)) do
  local j = jk(id)
  local f = redis.call('HMGET', j, 'fa', 'q', 's', 'ik', 'b', 'n')
  if not f[1] or not isfinal(f[3]) then
    redis.call('ZREM', P .. 'finished', id)
  elseif f[1] < cutt then
    redis.call('DEL', j, P .. 'errors:' .. id, P .. 'log:' .. id)
    redis.call('ZREM', P .. 'finished', id)
    local qs = P .. 'qs:' .. f[2] .. ':'
    redis.call('ZREM', qs .. f[3], id)
    if f[5] then redis.call('ZREM', P .. 'batchjobs:' .. f[5], id) end
    if f[6] then redis.call('ZREM', P .. 'name:' .. f[6], id) end
    if f[4] then
      local ik = P .. 'idem:' .. f[4]
      if redis.call('GET', ik) == id then redis.call('DEL', ik) end
    end
    if redis.call('EXISTS', qs .. '0', qs .. '1', qs .. '2', qs .. '3', qs .. '4', qs .. '5', qs .. '6') == 0 then
      redis.call('SREM', P .. 'queues', f[2])
    end
    count = count + 1
  end
end
for _, bid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'bfinished', '-inf', cutus, 'LIMIT', 0, limit)) do
  local fa = redis.call('HGET', P .. 'batch:' .. bid, 'fa')
  if not fa then
    redis.call('ZREM', P .. 'bfinished', bid)
  elseif fa < cutt then
    redis.call('DEL', P .. 'batch:' .. bid)
    redis.call('ZREM', P .. 'bfinished', bid)
  end
end
return count
