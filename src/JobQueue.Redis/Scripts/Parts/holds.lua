--@ The holds a fetch applies, for scripts whose locals include P and nowt: held(name, limitKey) tells whether a job
--@ is held. A fetch without holds pays one HLEN; a few holds are read once (and those that ended are deleted, so the
--@ fetch is back to one HLEN when they are over); many are looked up per job.
local holds, holdsmany = false, false
do
  local hn = redis.call('HLEN', P .. 'holds')
  if hn > 100 then
    holdsmany = true
  elseif hn > 0 then
    local h = redis.call('HGETALL', P .. 'holds')
    local ended = {}
    holds = {}
    for i = 1, #h, 2 do
      if h[i + 1] > nowt then holds[h[i]] = true else ended[#ended + 1] = h[i] end
    end
    if #ended > 0 then redis.call('HDEL', P .. 'holds', unpack(ended)) end
    if next(holds) == nil then holds = false end
  end
end
local function held(n, lk)
  if holds then
    return (lk ~= nil and holds['key:' .. lk] == true) or (n ~= nil and holds['name:' .. n] == true)
  end
  if not holdsmany then return false end
  local u = redis.call('HMGET', P .. 'holds', 'key:' .. (lk or ''), 'name:' .. (n or ''))
  return (lk ~= nil and u[1] ~= false and u[1] > nowt) or (n ~= nil and u[2] ~= false and u[2] > nowt)
end
