-- peer-node: one-row insert in its own transaction.
local token = os.getenv("BENCH_PEER_TOKEN")
local villages = tonumber(os.getenv("BENCH_PEER_VILLAGES") or "81")
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"village_id":%d,"kind":"report","status":"open","title":"Check water pump RT 3/RW 2 #%d"}',
    (n % villages) + 1, n)
  return wrk.format("POST", "/api/v1/items",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
