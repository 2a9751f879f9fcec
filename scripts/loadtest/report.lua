-- wrk script of `make loadtest`: at the end of a run, one line with the figures wrk's own summary leaves out
-- (p95) or rounds, prefixed so scripts/loadtest/run.py can find it. Latencies are in microseconds.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'LOADTEST_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
