-- bench-tiles.lua: wrk cycles the tile paths of the file named after "--",
-- each thread from its own offset (a second argument "gzip" asks for gzip,
-- as browsers do), and prints one machine-readable line:
--   RESULT requests duration_us p50_us p99_us non2xx socket_errors
local paths = {}
local i = 0
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  i = ((id or 0) * 7919) % #paths
  if args[2] == "gzip" then wrk.headers["Accept-Encoding"] = "gzip" end
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
