--@include Parts/prelude.lua
local nowt, nowus, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
if limit <= 0 then return 0 end
local count = 0
local ids = redis.call('ZRANGEBYSCORE', P .. 'scheduled', '-inf', nowus, 'LIMIT', 0, limit)
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', jk(id), 's', 'ra', 'q', 'pr', 'seq')
  -- Not scheduled any more, or no run time to make it ready with (a damaged hash, left for its reader to
  -- report): out of the set, so it cannot hold back the due jobs behind it.
  if f[1] ~= '0' or not f[2] or not f[3] then
    zset(P .. 'scheduled', id, false)
  elseif f[2] <= nowt then
    zset(P .. 'scheduled', id, false)
    index(id, f[3], f[5], '0', '1')
    ready(id, f[3], f[4], f[2], f[5])
    count = count + 1
  end
end
flush()
return count
