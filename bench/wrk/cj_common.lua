-- cunjing scenarios: BENCH_TARGETS names a Lua file returning a list of
-- {token=..., village=..., ids={...}}: one logged-in assistant per village,
-- rotated per request so that the load spreads over several villages.
local targets = dofile(os.getenv("BENCH_TARGETS"))
local n = 0
local function next_target()
  n = n + 1
  return targets[(n % #targets) + 1], n
end
