--@include Parts/enqueue-function.lua
local P, id, version, expected, nrt, nrus, skipif, overlapt, skippedt, lastt, lastj =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11]
local k = P .. 'recurring:job:' .. id
local f = redis.call('HMGET', k, 'v', 'nr', 'p', 'lj')
if f[1] ~= version or f[2] ~= expected or f[3] ~= '0' then return 2 end
if skipif == '1' and f[4] then
  -- Unfinished: Scheduled, Enqueued, Running or Awaiting; a state that is none counts as finished.
  local s = redis.call('HGET', P .. 'job:' .. f[4], 's')
  if s == '0' or s == '1' or s == '2' or s == '6' then
    redis.call('HSET', k, 'nr', nrt, 'ls', overlapt)
    redis.call('ZADD', P .. 'recurring:due', nrus, id)
    return 1
  end
end
if #ARGV > 11 then
  local r = enqueue(12)
  if type(r) == 'table' and r.err then return r end
end
redis.call('HSET', k, 'nr', nrt)
redis.call('ZADD', P .. 'recurring:due', nrus, id)
if lastj ~= '' then redis.call('HSET', k, 'lr', lastt, 'lj', lastj) end
if skippedt ~= '' then redis.call('HSET', k, 'ls', skippedt) end
return 0
