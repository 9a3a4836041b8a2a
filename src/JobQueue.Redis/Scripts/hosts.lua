local P = ARGV[1]
local r = {}
for _, id in ipairs(redis.call('ZRANGE', P .. 'hosts', 0, -1)) do
  local h = redis.call('HGETALL', P .. 'host:' .. id)
  if #h == 0 then
    redis.call('ZREM', P .. 'hosts', id)
  else
    r[#r + 1] = id
    r[#r + 1] = h
  end
end
return r
