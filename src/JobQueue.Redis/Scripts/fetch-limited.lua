--@include Parts/prelude.lua
local q, limit, nowt, token, let, worker = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local nowus, maxskip = ARGV[8], tonumber(ARGV[9])
if redis.call('HEXISTS', P .. 'paused', q) == 1 then return {} end
--@include Parts/holds.lua
--@include Parts/lease-function.lua
--@include Parts/rates.lua
--@include Parts/running-with-key.lua
local function rate(o)
  if ARGV[o] == '' then return false end
  return { n = tonumber(ARGV[o]), lot = ARGV[o + 1], lous = ARGV[o + 2] }
end
local qc, qrate, cpk, rpk = tonumber(ARGV[10]), rate(11), tonumber(ARGV[14]), rate(15)
local names = {}
for i = 0, tonumber(ARGV[18]) - 1 do
  local o = 19 + i * 8
  names[ARGV[o]] = { cpk = tonumber(ARGV[o + 1]), rate = rate(o + 2), rpk = rate(o + 5) }
end
local none = {}
local qrun = 0
if qc then qrun = redis.call('ZCARD', P .. 'qs:' .. q .. ':2') end
local qscope = 'queue:' .. q

local key = P .. 'ready:' .. q
local r = {}
local skipped, offset, stop = 0, 0, false
while not stop and #r < limit do
  local members = redis.call('ZRANGE', key, offset, offset + 99)
  if #members == 0 then break end
  for _, m in ipairs(members) do
    if stop or #r >= limit then break end
    -- The member is "runAt(19):seq(16):id".
    local id = string.sub(m, 38)
    if string.sub(m, 1, 19) > nowt then
      -- Made ready with a later now than this request's: not due yet for it, left where it is.
      offset = offset + 1
      skipped = skipped + 1
    else
      local j = jk(id)
      local h = redis.call('HGETALL', j)
      local f = {}
      for k = 1, #h, 2 do f[h[k]] = h[k + 1] end
      if f.s ~= '1' then
        -- Not ready any more (the plain fetch drops such a member as it pops it).
        redis.call('ZREM', key, m)
      elseif (qc and qrun >= qc) or (qrate and ratecount(qscope, qrate) >= qrate.n) then
        -- The queue's own limits apply to every job behind this one as well.
        stop = true
      else
        local nl = (f.n and names[f.n]) or none
        local kc, nr, kr = false, nl.rate, false
        if f.lk then
          kc = nl.cpk or cpk
          kr = nl.rpk or rpk
        end
        local ok = not held(f.n, f.lk)
        local park, full = false, false
        if ok and kc and runcount(f.lk, kc) >= kc then
          ok = false
          full = true
          -- Only a job of a key that runs can be brought back by a job of it leaving Running.
          park = kc > 0
        end
        if ok and nr and ratecount('name:' .. f.n, nr) >= nr.n then ok = false end
        if ok and kr and ratecount('key:' .. f.lk, kr) >= kr.n then ok = false end
        if park then
          -- Over its key's concurrency: set aside with its key, so no later fetch walks it again, until a job
          -- of the key leaves Running (unrun() of the prelude puts it back). Not a skip.
          redis.call('ZREM', key, m)
          redis.call('ZADD', P .. 'parked:' .. f.lk, -(tonumber(f.pr) or 0), m)
        elseif ok then
          redis.call('ZREM', key, m)
          r[#r + 1] = lease(id, j, h, f)
          qrun = qrun + 1
          if f.lk and runcounts[f.lk] then runcounts[f.lk].c = runcounts[f.lk].c + 1 end
          -- One start per rate scope that applied to the job, and only those.
          if qrate then started(qscope, id) end
          if nr then started('name:' .. f.n, id) end
          if kr then started('key:' .. f.lk, id) end
        else
          -- Passed over for its key's concurrency, a job is no skip (see FetchLimits.MaxSkipped).
          offset = offset + 1
          if not full then skipped = skipped + 1 end
        end
      end
    end
    if skipped >= maxskip then stop = true end
  end
end
flush()
return r
