local P = ARGV[1]
local written = 0
for i = 2, #ARGV, 4 do
  local id, at = ARGV[i], ARGV[i + 1]
  if redis.call('EXISTS', P .. 'job:' .. id) == 1 then
    redis.call('HSET', P .. 'log:' .. id, at, ARGV[i + 2], 'd' .. at, ARGV[i + 3])
    written = written + 1
  end
end
return written
