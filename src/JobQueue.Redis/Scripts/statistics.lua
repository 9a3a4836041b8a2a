--@include Parts/prelude.lua
local r = {}
for _, q in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
  local counts = {}
  local any = false
  for s = 0, 6 do
    local c = redis.call('ZCARD', P .. 'qs:' .. q .. ':' .. s)
    counts[#counts + 1] = c
    if c > 0 then any = true end
  end
  if any then
    r[#r + 1] = q
    for _, c in ipairs(counts) do r[#r + 1] = c end
  end
end
return r
