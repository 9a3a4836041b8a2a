--@include Parts/prelude.lua
local q, s, b, n, text = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local after, limit, countlimit = ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9])

local sets, guaranteed = {}, false
if b ~= '' then
  sets = { P .. 'batchjobs:' .. b }
elseif n ~= '' then
  sets = { P .. 'name:' .. n }
else
  local queues, states = { q }, { s }
  if q == '' then queues = redis.call('SMEMBERS', P .. 'queues') end
  if s == '' then states = { '0', '1', '2', '3', '4', '5', '6' } end
  for _, qn in ipairs(queues) do
    for _, sn in ipairs(states) do sets[#sets + 1] = P .. 'qs:' .. qn .. ':' .. sn end
  end
  guaranteed = text == ''
end

local function lasterror(id)
  local e = redis.call('LINDEX', P .. 'errors:' .. id, -1)
  if not e then return nil end
  local ok, v = pcall(cjson.decode, e)
  if not ok or type(v) ~= 'table' then return nil end
  return v
end

local function matches(id)
  if guaranteed then return true end
  local f = redis.call('HMGET', jk(id), 'q', 's', 'b', 'n', 'a')
  if not f[1] and not f[2] then return false end
  if q ~= '' and f[1] ~= q then return false end
  if s ~= '' and f[2] ~= s then return false end
  if b ~= '' and f[3] ~= b then return false end
  if n ~= '' and f[4] ~= n then return false end
  if text == '' then return true end
  if f[5] and string.find(string.lower(f[5]), text, 1, true) then return true end
  local e = lasterror(id)
  if not e then return false end
  for _, k in ipairs({ 't', 'm' }) do
    if type(e[k]) == 'string' and string.find(string.lower(e[k]), text, 1, true) then return true end
  end
  return false
end

-- Calls visit(id, seq) for the members of the sets below the bound, newest first, until it returns false.
-- Each round takes the newest 'chunk' below the bound from every set: the newest 'chunk' of their union
-- are among them, so those are visited in order, and the bound moves below the last.
local function walk(bound, visit)
  local chunk = 200
  while true do
    local all = {}
    for _, key in ipairs(sets) do
      local m = redis.call('ZREVRANGEBYSCORE', key, bound, '-inf', 'WITHSCORES', 'LIMIT', 0, chunk)
      for i = 1, #m, 2 do all[#all + 1] = { tonumber(m[i + 1]), m[i] } end
    end
    if #all == 0 then return end
    if #sets > 1 then table.sort(all, function(x, y) return x[1] > y[1] end) end
    local upto = math.min(#all, chunk)
    for i = 1, upto do
      if visit(all[i][2], all[i][1]) == false then return end
    end
    bound = '(' .. string.format('%d', all[upto][1])
  end
end

local page, nextpos = {}, false
local lastseq = nil
if limit > 0 then
  local bound = '+inf'
  if after ~= '' then bound = '(' .. after end
  walk(bound, function(id, seq)
    if not matches(id) then return true end
    if #page == limit then
      nextpos = string.format('%d', lastseq)
      return false
    end
    local job = read(id)
    if job then
      page[#page + 1] = job
      lastseq = seq
    end
    return true
  end)
end

local total = 0
if countlimit > 0 then
  if guaranteed or (b == '' and n ~= '' and q == '' and s == '' and text == '') or (b ~= '' and q == '' and s == '' and n == '' and text == '') then
    for _, key in ipairs(sets) do total = total + redis.call('ZCARD', key) end
  else
    walk('+inf', function(id)
      if matches(id) then total = total + 1 end
      return total <= countlimit
    end)
  end
end

return { nextpos, total, page }
