local P, q, lk, n, nowt, nowus = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local token = ''
--@include Parts/rates.lua
--@include Parts/running-with-key.lua
local r = {}
r[1] = redis.call('HEXISTS', P .. 'paused', q)
r[2] = redis.call('ZCARD', P .. 'qs:' .. q .. ':2')
local heldto = ''
if lk ~= '' then
  r[3] = runcount(lk, nil)
  local u = redis.call('HGET', P .. 'holds', 'key:' .. lk)
  if u and u > nowt then heldto = u end
else
  r[3] = 0
end
local u = redis.call('HGET', P .. 'holds', 'name:' .. n)
if u and u > nowt and u > heldto then heldto = u end
r[4] = heldto
for i = 7, #ARGV, 4 do
  local key = P .. 'starts:' .. ARGV[i]
  local starts, lot, lous = tonumber(ARGV[i + 1]), ARGV[i + 2], ARGV[i + 3]
  local c = window(key, lot, lous)
  if c < starts then
    r[#r + 1] = ''
  else
    -- Ascending (score, member) order is time order (members begin with their ticks), and the window's
    -- members follow each other in it: those before it are below lous, or at lous and not after lot.
    local before = redis.call('ZCOUNT', key, '-inf', '(' .. lous)
    for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, lous, lous)) do
      if string.sub(m, 1, 19) <= lot then before = before + 1 end
    end
    local at = before + c - starts
    r[#r + 1] = string.sub(redis.call('ZRANGE', key, at, at)[1], 1, 19)
  end
end
return r
