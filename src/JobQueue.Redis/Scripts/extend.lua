--@include Parts/prelude.lua
local r = {}
for i = 2, #ARGV, 3 do
  local id = ARGV[i]
  if leased(id, ARGV[i + 1]) then
    redis.call('HSET', jk(id), 'le', ARGV[i + 2])
    r[#r + 1] = 1
  else
    r[#r + 1] = 0
  end
end
flush()
return r
