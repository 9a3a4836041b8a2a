--@ Rate scopes for scripts whose locals include P, nowt and nowus: ratecount(scope, lim) counts the starts after now
--@ - period of lim = { n = starts, lot = (now - period) in ticks, lous = the same in microseconds }, and deletes the
--@ starts well before the window; started(scope, id) records a start at now.
--@ Starts recorded after now count too: fetches of several hosts reach the server in another order than their nows,
--@ and a start is only ever admitted while the starts after its own now - period are fewer than the limit, so no
--@ window of one period, wherever it lies, can hold more (the last start admitted into it saw all the others). The
--@ window's text, (now - period, now], would let a fetch whose now is a little behind add to a window full already:
--@ the multi-process scenario showed 28 starts in one second under a limit of 20.
--@ For the same reason starts are deleted only some seconds after they left the window, so a fetch whose now is
--@ behind still sees them. Scores (microseconds) narrow the window; starts at its edge score are checked against the
--@ ticks their members begin with, so it is exact. Counts are cached per scope and window for the script, and raised
--@ by its own starts.
local ratecounts = {}
local function window(key, lot, lous)
  local c = redis.call('ZCOUNT', key, '(' .. lous, '+inf')
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, lous, lous)) do
    if string.sub(m, 1, 19) > lot then c = c + 1 end
  end
  return c
end
local function ratecount(scope, lim)
  local byscope = ratecounts[scope]
  if not byscope then
    byscope = {}
    ratecounts[scope] = byscope
  end
  local c = byscope[lim.lot]
  if not c then
    local key = P .. 'starts:' .. scope
    -- Starts that left the window 5 seconds ago count for no fetch any more: deleted on the way.
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%d', tonumber(lim.lous) - 5000000))
    c = window(key, lim.lot, lim.lous)
    byscope[lim.lot] = c
  end
  return c
end
local function started(scope, id)
  redis.call('ZADD', P .. 'starts:' .. scope, nowus, nowt .. ':' .. id .. ':' .. token)
  local byscope = ratecounts[scope]
  if byscope then
    for lot, c in pairs(byscope) do byscope[lot] = c + 1 end
  end
end
