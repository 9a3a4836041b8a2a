--@include Parts/prelude.lua
local q, limit, nowt, token, let, worker = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7]
-- A paused queue leases nothing (RedisScripts.Queues): checked in the script, so atomic with the pause.
if redis.call('HEXISTS', P .. 'paused', q) == 1 then return {} end
--@include Parts/holds.lua
local key = P .. 'ready:' .. q
local r = {}
local notyet = {}
-- Every job this fetch leases is a different one, and only this script writes these two sets here, so their
-- members go straight into one array each, sent as one ZREM or ZADD at the end: as index() would, without the
-- bookkeeping that lets zset() take a member twice.
local enqueuedset, runningset = P .. 'qs:' .. q .. ':1', P .. 'qs:' .. q .. ':2'
local left, entered = {}, {}
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
          left[#left + 1] = id
          entered[#entered + 1] = tonumber(f.seq) and f.seq or 0
          entered[#entered + 1] = id
          redis.call('HSET', j, 's', '2', 'at', at, 'sa', nowt, 'lt', token, 'le', let, 'w', worker)
          if f.lk then redis.call('SADD', P .. 'run:' .. f.lk, id) end
          changed[#changed + 1] = id

          -- The reply is the hash as it is now: the read above with the state and attempt just written appended, which
          -- the reader takes over the earlier ones (a later field of the same name wins), instead of a table rebuilt or a
          -- second read. The start, token, expiry and worker are the request's own: the reader takes them from it.
          local n = #h
          h[n + 1], h[n + 2], h[n + 3], h[n + 4] = 's', '2', 'at', at

          -- Errors are only written when an attempt ends without success, so a first attempt has none.
          local errors = {}
          if tonumber(at) ~= 1 then errors = redis.call('LRANGE', P .. 'errors:' .. id, 0, -1) end
          r[#r + 1] = { id, h, errors }
        end
      end
    end
  end
end
for i = 1, #notyet, 1000 do redis.call('ZADD', key, unpack(notyet, i, math.min(i + 999, #notyet))) end
for i = 1, #left, 1000 do redis.call('ZREM', enqueuedset, unpack(left, i, math.min(i + 999, #left))) end
for i = 1, #entered, 1000 do redis.call('ZADD', runningset, unpack(entered, i, math.min(i + 999, #entered))) end
flush()
return r
