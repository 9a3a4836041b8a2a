--@include Parts/prelude.lua
--@include Parts/tally.lua
local r = {}
for i = 2, #ARGV, 8 do
  local id = ARGV[i]
  if leased(id, ARGV[i + 1]) then
    tally(redis.call('HGET', jk(id), 'q'), ARGV[i + 7], 'f')
    redis.call('RPUSH', P .. 'errors:' .. id, ARGV[i + 2])
    if ARGV[i + 3] == '1' then
      unlease(id)
      due(id, ARGV[i + 4], ARGV[i + 5], ARGV[i + 6])
      changed[#changed + 1] = id
    else
      finish(id, '4', ARGV[i + 6], ARGV[i + 7])
    end
    r[#r + 1] = 1
  else
    r[#r + 1] = 0
  end
end
flush()
flushtally()
return r
