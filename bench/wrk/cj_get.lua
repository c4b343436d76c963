request = function()
  local t, k = next_target()
  local id = t.ids[(k % #t.ids) + 1]
  return wrk.format("GET", "/api/v1/household-applications/" .. id,
    { ["Authorization"] = "Bearer " .. t.token })
end
