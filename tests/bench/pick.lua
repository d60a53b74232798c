-- pick.lua: wrk script for the benchmark.
--   wrk -s pick.lua URL -- PATHS_FILE [COOKIE] [BODY]
-- Each request takes a random line of PATHS_FILE as its path (a GET, or a
-- POST of BODY when given).  done() prints one JSON line with the
-- percentiles wrk itself does not print (p95).
local paths, cookie, body = {}, nil, nil
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if args[2] and #args[2] > 0 then cookie = args[2] end
  if args[3] and #args[3] > 0 then body = args[3] end
  -- every thread has its own Lua state: seed each one differently
  math.randomseed(os.time() * 1000 + (id or 0) * 7919)
  for _ = 1, 10 do math.random() end
end

function request()
  local headers = {}
  if cookie then headers["Cookie"] = cookie end
  local path = paths[math.random(#paths)]
  if body then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"max": %d, "non2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
