-- wrk script: POST one outbox entry per request (FAX.PLUS send_fax) with a token and an uploaded file.
-- Use: TOKEN=... FILE=/transient-... wrk -t2 -c16 -d10s --latency -s outbox.lua http://127.0.0.1:18081/v3/accounts/self/outbox
local token = os.getenv("TOKEN")
local file = os.getenv("FILE")
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"from":"no_number","to":["+41445550101"],"files":["' .. file .. '"]}'

local non201 = 0
function response(status, headers, body)
  if status ~= 201 then non201 = non201 + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non-201 responses: %d\n", non201))
end
