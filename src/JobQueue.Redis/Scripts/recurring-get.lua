local P, one = ARGV[1], ARGV[2]
local ids
if one ~= '' then ids = { one } else ids = redis.call('ZRANGE', P .. 'recurring:ids', 0, -1) end
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HGETALL', P .. 'recurring:job:' .. id)
  if #h > 0 then
    out[#out + 1] = id
    out[#out + 1] = h
  end
end
return out
