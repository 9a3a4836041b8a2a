--@include Parts/prelude.lua
--@include Parts/tally.lua
local r = {}
for i = 2, #ARGV, 6 do
  local id = ARGV[i]
  local f = fields(id)
  if f[1] == '2' and f[8] == ARGV[i + 1] then
    finish(id, '3', ARGV[i + 4], ARGV[i + 5], f, ARGV[i + 2] == '1' and ARGV[i + 3])
    tally(f[2], ARGV[i + 5], 's')
    r[#r + 1] = 1
  else
    r[#r + 1] = 0
  end
end
flush()
flushtally()
return r
