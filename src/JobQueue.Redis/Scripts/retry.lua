--@include Parts/prelude.lua
local nowt, nowus = ARGV[2], ARGV[3]
local r = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local j = jk(id)
  local f = redis.call('HMGET', j, 's', 'q', 'seq', 'pr', 'ik', 'b', 'child', 'at', 'o')
  local s, bid, child = f[1], f[6], f[7] == '1'
  local outcome = 1
  if not s then
    outcome = 0
  elseif not (s == '0' or s == '1' or s == '2' or s == '3' or s == '4' or s == '5' or s == '6') or not f[2] then
    outcome = 7
  elseif s == '3' then
    outcome = 3
  elseif s == '5' and bid and not child then
    outcome = 5
  elseif s ~= '4' and s ~= '5' then
    outcome = 2
  end
  local bk = nil
  if outcome == 1 and bid and child and redis.call('EXISTS', P .. 'batch:' .. bid) == 1 then
    bk = P .. 'batch:' .. bid
    if redis.call('HGET', bk, 'fj') then outcome = 4 end
  end
  if outcome == 1 and f[5] then
    local holder = redis.call('GET', P .. 'idem:' .. f[5])
    if holder and holder ~= id and holding(holder, nowt) then outcome = 6 end
  end
  if outcome == 1 then
    zset(P .. 'finished', id, false)
    redis.call('HDEL', j, 'fa')
    -- One more attempt when it had used them all: the maximum leads 'o'.
    local at = tonumber(f[8]) or 0
    if f[9] then
      local ma, rest = string.match(f[9], '^([^:]*)(.*)$')
      if (tonumber(ma) or 0) < at + 1 then redis.call('HSET', j, 'o', string.format('%d', at + 1) .. rest) end
    end
    if f[5] then redis.call('SET', P .. 'idem:' .. f[5], id) end
    if bk then
      -- Pending again in its batch, which stays Failed: its outcome was decided at its first failure.
      redis.call('HINCRBY', bk, 'ko', -1)
      redis.call('HDEL', bk, 'fa')
      zset(P .. 'bfinished', bid, false)
    end
    index(id, f[2], f[3], s, '1')
    ready(id, f[2], f[4], nowt, f[3])
  end
  r[#r + 1] = outcome
end
flush()
return r
