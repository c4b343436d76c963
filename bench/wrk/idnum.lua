-- A valid GB 11643 ID number from a counter (address 450109, check digit).
local W = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local C = "10X98765432"
function idnum(k)
  local y = 1950 + (k % 50)
  local m = 1 + (math.floor(k / 50) % 12)
  local d = 1 + (math.floor(k / 600) % 28)
  local s = string.format("450109%04d%02d%02d%03d", y, m, d, math.floor(k / 16800) % 1000)
  local sum = 0
  for i = 1, 17 do sum = sum + (s:byte(i) - 48) * W[i] end
  local c = (sum % 11) + 1
  return s .. C:sub(c, c)
end
