-- wrk script: cycles through the requests in $GEORUNE_WRK_QUERIES (one per line: METHOD, PATH
-- and BODY separated by tabs; BODY may be empty), and tallies response statuses, printed at the
-- end as "status N COUNT".
local requests = {}
for line in io.lines(os.getenv("GEORUNE_WRK_QUERIES")) do
  local method, path, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  requests[#requests + 1] = {method = method, path = path, body = body ~= "" and body or nil}
end
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
  local r = requests[(counter % #requests) + 1]
  return wrk.format(r.method, r.path, {["Content-Type"] = "application/json"}, r.body)
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
