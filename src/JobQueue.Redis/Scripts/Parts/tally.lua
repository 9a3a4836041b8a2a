--@ Counting ended attempts for the throughput chart, for scripts that end attempts: tally() collects per minute and
--@ field, flushtally() writes one HINCRBY per (minute, queue, outcome) of the call, not one per job.
local tallies, tallyminutes = {}, {}
-- The jobs of one call mostly end in the same minute: its bounds and name are kept, not formatted per job.
local minfrom, minto, minname = 0, -1, nil
local function tally(q, nowus, kind)
  local us = tonumber(nowus)
  if not q or not us then return end
  if us < minfrom or us >= minto then
    local minute = math.floor(us / 60000000)
    minfrom, minto, minname = minute * 60000000, (minute + 1) * 60000000, string.format('%d', minute)
  end
  local m = minname
  local t = tallies[m]
  if not t then
    t = {}
    tallies[m] = t
    tallyminutes[#tallyminutes + 1] = m
  end
  local field = kind .. ':' .. q
  t[field] = (t[field] or 0) + 1
end
local function flushtally()
  for _, m in ipairs(tallyminutes) do
    for field, n in pairs(tallies[m]) do redis.call('HINCRBY', P .. 'tp:' .. m, field, n) end
    redis.call('ZADD', P .. 'tpm', m, m)
  end
  tallies, tallyminutes = {}, {}
end
