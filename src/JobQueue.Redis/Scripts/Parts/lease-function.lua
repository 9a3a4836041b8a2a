--@ lease(id, j, h, f): leases a ready job whose HGETALL is h (as a table: f), for scripts whose locals include q, nowt, token,
--@ let and worker; returns the fetch's reply item for it.
local function lease(id, j, h, f)
  -- An attempt that is no number (a damaged hash) is left as it is: the job is leased all the same, its
  -- reader reports the damage and the engine fails it, where arithmetic on it would fail this script.
  local at = tonumber(f.at or '0')
  if at then at = tostring(at + 1) else at = f.at end
  index(id, q, f.seq, '1', '2')
  redis.call('HSET', j, 's', '2', 'at', at, 'sa', nowt, 'lt', token, 'le', let, 'w', worker)
  if f.lk then redis.call('SADD', P .. 'run:' .. f.lk, id) end
  changed[#changed + 1] = id

  -- The reply is the hash as it is now: the read above with the state and attempt just written appended, which the
  -- reader takes over the earlier ones (a later field of the same name wins), instead of a table rebuilt or a second
  -- read. The start, token, expiry and worker are the request's own: the reader takes them from it.
  local n = #h
  h[n + 1], h[n + 2], h[n + 3], h[n + 4] = 's', '2', 'at', at

  -- Errors are only written when an attempt ends without success, so a first attempt has none.
  local errors = {}
  if tonumber(at) ~= 1 then errors = redis.call('LRANGE', P .. 'errors:' .. id, 0, -1) end
  return { id, h, errors }
end
