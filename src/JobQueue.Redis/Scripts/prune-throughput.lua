local P, keep, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local pruned = 0
if limit <= 0 then return 0 end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'tpm', '-inf', '(' .. keep, 'LIMIT', 0, limit)) do
  local key = P .. 'tp:' .. m
  local order, byqueue = {}, {}
  for _, field in ipairs(redis.call('HKEYS', key)) do
    local queue = string.sub(field, 3)
    if not byqueue[queue] then
      byqueue[queue] = {}
      order[#order + 1] = queue
    end
    table.insert(byqueue[queue], field)
  end
  for _, queue in ipairs(order) do
    if pruned == limit then break end
    redis.call('HDEL', key, unpack(byqueue[queue]))
    pruned = pruned + 1
  end
  if redis.call('EXISTS', key) == 0 then redis.call('ZREM', P .. 'tpm', m) end
  if pruned == limit then break end
end
return pruned
