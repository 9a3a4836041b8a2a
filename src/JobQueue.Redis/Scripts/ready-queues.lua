local P = ARGV[1]
local r = {}
for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
  local key = P .. 'ready:' .. q
  local n = redis.call('ZCARD', key)
  if n > 0 then
    local oldest = nil
    local head = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    while head[1] do
      local ra = string.sub(head[1], 1, 19)
      if not oldest or ra < oldest then oldest = ra end
      head = redis.call('ZRANGE', key, '(' .. head[2], '+inf', 'BYSCORE', 'LIMIT', 0, 1, 'WITHSCORES')
    end
    r[#r + 1] = q
    r[#r + 1] = n
    r[#r + 1] = oldest
  end
end
return r
