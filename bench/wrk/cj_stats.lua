-- GET /api/v1/stats/summary of the whole township of BENCH_STATS_TOKEN's user
-- (a township official), over the year of the generated data.
local stats_token = os.getenv("BENCH_STATS_TOKEN")
request = function()
  return wrk.format("GET", "/api/v1/stats/summary?from=2026-01-01&to=2026-12-31",
    { ["Authorization"] = "Bearer " .. stats_token })
end
