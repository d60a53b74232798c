-- pick.lua: wrk script for the benchmark.
--   wrk -s pick.lua URL -- PATHS_FILE [HEADERS [BODY [CONTENT_TYPE [METHOD]]]]
-- Each request takes a random line of PATHS_FILE as its path: a GET, or a
-- POST of BODY when there is one (or METHOD).  HEADERS are "Name: value"
-- lines joined by "|".  "{key}" in the path, a header or the body becomes
-- a key of the request's own (run, thread, counter): an idempotency key.
-- done() prints one JSON line with the percentiles wrk itself does not
-- print (p95).
local paths, extra, body, ctype, method = {}, {}, nil, nil, nil
local counter, n = 0, 0
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
  for h in string.gmatch(args[2] or "", "[^|]+") do
    local name, value = string.match(h, "^([^:]+):%s*(.*)$")
    if name then extra[#extra + 1] = { name, value } end
  end
  if args[3] and #args[3] > 0 then body = args[3] end
  ctype = (args[4] and #args[4] > 0) and args[4] or "application/x-www-form-urlencoded"
  method = (args[5] and #args[5] > 0) and args[5] or (body and "POST" or "GET")
  -- every thread has its own Lua state: seed each one differently
  math.randomseed(os.time() * 1000 + (id or 0) * 7919)
  for _ = 1, 10 do math.random() end
  run = string.format("%08x", math.random(0, 0x7fffffff))
end

function request()
  n = n + 1
  local key = string.format("bench-%s-%d-%09d", run, id or 0, n)
  local headers = {}
  for _, h in ipairs(extra) do headers[h[1]] = (string.gsub(h[2], "{key}", key)) end
  local path = string.gsub(paths[math.random(#paths)], "{key}", key)
  if body then
    headers["Content-Type"] = ctype
    return wrk.format(method, path, headers, (string.gsub(body, "{key}", key)))
  end
  return wrk.format(method, path, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"max": %d, "non2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
