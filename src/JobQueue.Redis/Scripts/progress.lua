--@include Parts/prelude.lua
local r = {}
for i = 2, #ARGV, 5 do
  local id = ARGV[i]
  if leased(id, ARGV[i + 1]) then
    redis.call('HSET', jk(id), 'pp', ARGV[i + 2])
    if ARGV[i + 3] == '1' then
      redis.call('HSET', jk(id), 'pm', ARGV[i + 4])
    else
      redis.call('HDEL', jk(id), 'pm')
    end
    changed[#changed + 1] = id
    r[#r + 1] = 1
  else
    r[#r + 1] = 0
  end
end
flush()
return r
