--@include Parts/prelude.lua
local q, limit, nowt, token, let, leus, worker = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
-- A paused queue leases nothing (RedisScripts.Queues): checked in the script, so atomic with the pause.
if redis.call('HEXISTS', P .. 'paused', q) == 1 then return {} end
--@include Parts/holds.lua
local key = P .. 'ready:' .. q
local r = {}
local notyet = {}
local skipped = 0
while #r < limit and skipped < 1000 do
  local popped = redis.call('ZPOPMIN', key, limit - #r)
  if #popped == 0 then break end
  for p = 1, #popped, 2 do
    -- The member is "runAt(19):seq(16):id".
    local id = string.sub(popped[p], 38)
    if string.sub(popped[p], 1, 19) > nowt then
      -- Made ready with a later now than this request's (taken before its worker was held up on a busy
      -- machine): no job starts before its run time, so it goes back for a later fetch.
      notyet[#notyet + 1] = popped[p + 1]
      notyet[#notyet + 1] = popped[p]
    else
      local j = jk(id)
      local h = redis.call('HGETALL', j)
      local f = {}
      for k = 1, #h, 2 do f[h[k]] = h[k + 1] end
      if f.s == '1' then
        if (holds or holdsmany) and held(f.n, f.lk) then
          -- Held: back where it was, untouched, for a fetch after the hold.
          notyet[#notyet + 1] = popped[p + 1]
          notyet[#notyet + 1] = popped[p]
          skipped = skipped + 1
        else
          -- As lease() of RedisScripts.Flow does, inline: the plain fetch is the hot path, and a closure per
          -- call costs measurably there.
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
          r[#r + 1] = { id, now, errors }
        end
      end
    end
  end
end
for i = 1, #notyet, 1000 do redis.call('ZADD', key, unpack(notyet, i, math.min(i + 999, #notyet))) end
flush()
return r
