-- Durable create with a unique client_ref per request (nonce, thread, counter).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local nonce = os.getenv("BENCH_NONCE") or "x"
wrk.method = "POST"
request = function()
  local t, k = next_target()
  local body = string.format(
    '{"business_type":"HB06","village_id":"%s","client_ref":"b%s-%d-%d",' ..
    '"applicant":{"name":"韦建华","id_number":"%s","phone":"13812345678"}}',
    t.village, nonce, tid or 0, k, idnum(k * 7 + (tid or 0)))
  return wrk.format("POST", "/api/v1/household-applications",
    { ["Authorization"] = "Bearer " .. t.token, ["Content-Type"] = "application/json" }, body)
end
