--@include Parts/prelude.lua
local r = {}
for i = 2, #ARGV do r[#r + 1] = read(ARGV[i]) end
return r
