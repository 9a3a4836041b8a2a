--@ Deferred sorted-set additions, shared by prelude.lua and enqueue-plain.lua: collected per key and written by
--@ flushadds() at the end of the script, many members per ZADD. One call per member was most of a bulk request's cost
--@ on the server (and in its AOF).
local function pending(map, keys, key)
  local t = map[key]
  if not t then
    t = {}
    map[key] = t
    keys[#keys + 1] = key
  end
  return t
end

-- New members only (an enqueue's), appended without the bookkeeping of the prelude's zset().
local zadds, zaddkeys = {}, {}
local function zadd(key, score, member)
  local t = pending(zadds, zaddkeys, key)
  t[#t + 1] = score
  t[#t + 1] = member
end

-- unpack() is bounded by Lua's C stack (8000 values): large writes go in chunks.
local function flushadds()
  for _, key in ipairs(zaddkeys) do
    local adds = zadds[key]
    for i = 1, #adds, 1000 do redis.call('ZADD', key, unpack(adds, i, math.min(i + 999, #adds))) end
  end
  zadds, zaddkeys = {}, {}
end
