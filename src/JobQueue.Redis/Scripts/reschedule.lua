--@include Parts/prelude.lua
local r = {}
for i = 2, #ARGV, 5 do
  local id = ARGV[i]
  if leased(id, ARGV[i + 1]) then
    -- The attempt is refunded: a snooze or a lease handed back at shutdown is no failed try.
    redis.call('HINCRBY', jk(id), 'at', -1)
    unlease(id)
    due(id, ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
    changed[#changed + 1] = id
    r[#r + 1] = 1
  else
    r[#r + 1] = 0
  end
end
flush()
return r
