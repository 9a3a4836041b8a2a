--@include Parts/enqueue-function.lua
local P, id, runt, jid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local k = P .. 'recurring:job:' .. id
if redis.call('EXISTS', k) == 0 then return 0 end
local r = enqueue(5)
if type(r) == 'table' and r.err then return r end
redis.call('HSET', k, 'lr', runt, 'lj', jid)
return 1
