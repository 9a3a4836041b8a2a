--@ lease(id, j, f): leases a ready job whose hash (as a table) is f, for scripts whose locals include q, nowt, token,
--@ let, leus and worker; returns the fetch's reply item for it.
local function lease(id, j, f)
  -- An attempt that is no number (a damaged hash) is left as it is: the job is leased all the same, its
  -- reader reports the damage and the engine fails it, where arithmetic on it would fail this script.
  local at = tonumber(f.at or '0')
  if at then at = tostring(at + 1) else at = f.at end
  index(id, q, f.seq, '1', '2')
  redis.call('HSET', j, 's', '2', 'at', at, 'sa', nowt, 'lt', token, 'le', let, 'w', worker)
  zset(P .. 'leases', id, leus)
  if f.lk then redis.call('SADD', P .. 'run:' .. f.lk, id) end
  changed[#changed + 1] = id

  -- The reply is the hash as it is now, built from the read above instead of read again.
  f.s, f.at, f.sa, f.lt, f.le, f.w = '2', at, nowt, token, let, worker
  local now = {}
  for k, v in pairs(f) do
    now[#now + 1] = k
    now[#now + 1] = v
  end

  -- Errors are only written when an attempt ends without success, so a first attempt has none.
  local errors = {}
  if tonumber(at) ~= 1 then errors = redis.call('LRANGE', P .. 'errors:' .. id, 0, -1) end
  return { id, now, errors }
end
