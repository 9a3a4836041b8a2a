--@include Parts/prelude.lua
local r = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local j = jk(id)
  local f = redis.call('HMGET', j, 's', 'q', 'ik', 'b', 'n')
  local s = f[1]
  if not s then
    r[#r + 1] = 0
  elseif s == '0' or s == '1' or s == '2' or s == '6' then
    r[#r + 1] = 2
  else
    redis.call('DEL', j, P .. 'errors:' .. id, P .. 'log:' .. id)
    redis.call('ZREM', P .. 'finished', id)
    if f[2] then
      local qs = P .. 'qs:' .. f[2] .. ':'
      if isfinal(s) then
        redis.call('ZREM', qs .. s, id)
      else
        -- A state that is none (a damaged hash): the job may be in any of its queue's sets.
        for st = 0, 6 do redis.call('ZREM', qs .. st, id) end
      end
      if redis.call('EXISTS', qs .. '0', qs .. '1', qs .. '2', qs .. '3', qs .. '4', qs .. '5', qs .. '6') == 0 then
        redis.call('SREM', P .. 'queues', f[2])
      end
    end
    if f[4] then redis.call('ZREM', P .. 'batchjobs:' .. f[4], id) end
    if f[5] then redis.call('ZREM', P .. 'name:' .. f[5], id) end
    if f[3] then
      local ik = P .. 'idem:' .. f[3]
      if redis.call('GET', ik) == id then redis.call('DEL', ik) end
    end
    r[#r + 1] = 1
  end
end
return r
