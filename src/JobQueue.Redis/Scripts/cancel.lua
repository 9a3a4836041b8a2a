--@include Parts/prelude.lua
local nowt, nowus = ARGV[2], ARGV[3]
local r = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local s = redis.call('HGET', jk(id), 's')
  if not s then
    r[#r + 1] = 0
  elseif isfinal(s) or not (s == '0' or s == '1' or s == '2' or s == '6') then
    -- A state that is none (a damaged hash) reads as Failed, so it is answered as finished, as the reader shows it.
    r[#r + 1] = 1
  else
    if s == '2' then r[#r + 1] = 3 else r[#r + 1] = 2 end
    finish(id, '5', nowt, nowus)
  end
end
flush()
return r
