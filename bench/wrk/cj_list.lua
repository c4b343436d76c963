request = function()
  local t = next_target()
  return wrk.format("GET", "/api/v1/household-applications?village_id=" .. t.village .. "&limit=20",
    { ["Authorization"] = "Bearer " .. t.token })
end
