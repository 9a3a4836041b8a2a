--@ The running jobs with a limit key, for scripts whose locals include P: runcount(lk, limit) counts the members of
--@ run:lk that are Running with that key, and removes those that are not (a cheap self-repair: a set written by a
--@ version without this bookkeeping, or by hand). With a limit it stops at the limit (no room is no room), so its
--@ cost is bounded by the limit, not by the set. Cached for the script; the caller counts its own leases in.
local runcounts = {}
local function runcount(lk, limit)
  local e = runcounts[lk]
  if e and (e.full or (limit and e.c >= limit)) then return e.c end
  local rk = P .. 'run:' .. lk
  local c, full = 0, true
  for _, id in ipairs(redis.call('SMEMBERS', rk)) do
    if limit and c >= limit then
      full = false
      break
    end
    local g = redis.call('HMGET', P .. 'job:' .. id, 's', 'lk')
    if g[1] == '2' and g[2] == lk then c = c + 1 else redis.call('SREM', rk, id) end
  end
  runcounts[lk] = { c = c, full = full }
  return c
end
