-- wrk script: POST /v1/query cycling through the formulas in $GEORUNE_WRK_QUERIES (one JSON
-- body per line), and a tally of response statuses printed at the end as "status N COUNT".
local bodies = {}
for line in io.lines(os.getenv("GEORUNE_WRK_QUERIES")) do bodies[#bodies + 1] = line end
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id
  statuses = {}
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/v1/query", {["Content-Type"] = "application/json"}, bodies[(counter % #bodies) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("status %d %d\n", status, n)) end
end
