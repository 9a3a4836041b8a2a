--@ The head of recurring-claim.lua and recurring-trigger.lua: enqueue-plain.lua as a function of its own ARGV, so
--@ occurrences are written exactly as any plain enqueue writes them (one job layout, in one place), inside the same
--@ atomic script as the schedule's change. Its refusals come back as error tables.
local function enqueueplain(ARGV)
--@include enqueue-plain.lua
end
local function enqueue(from)
  local eargv = {}
  for i = from, #ARGV do eargv[#eargv + 1] = ARGV[i] end
  return enqueueplain(eargv)
end
