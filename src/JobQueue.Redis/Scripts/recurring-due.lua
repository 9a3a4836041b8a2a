local P, nowt, nowus, limit, after = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local nextdue = false
local due = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'recurring:due', '-inf', nowus)) do
  local nr = redis.call('HGET', P .. 'recurring:job:' .. id, 'nr')
  if nr then
    if nr > nowt then
      if not nextdue or nr < nextdue then nextdue = nr end
    elseif after == '' or id > after then
      due[#due + 1] = id
    end
  end
end
local later = redis.call('ZRANGEBYSCORE', P .. 'recurring:due', '(' .. nowus, '+inf', 'LIMIT', 0, 1)
if later[1] then
  local nr = redis.call('HGET', P .. 'recurring:job:' .. later[1], 'nr')
  if nr and (not nextdue or nr < nextdue) then nextdue = nr end
end
table.sort(due)
local out = { nextdue or '' }
for i = 1, math.min(limit, #due) do
  out[#out + 1] = due[i]
  out[#out + 1] = redis.call('HGETALL', P .. 'recurring:job:' .. due[i])
end
return out
