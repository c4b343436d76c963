-- peer-node: newest 20 rows of a village, villages rotated (BENCH_PEER_VILLAGES).
local token = os.getenv("BENCH_PEER_TOKEN")
local villages = tonumber(os.getenv("BENCH_PEER_VILLAGES") or "81")
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/items?village=" .. ((n % villages) + 1) .. "&limit=20",
    { ["Authorization"] = "Bearer " .. token })
end
