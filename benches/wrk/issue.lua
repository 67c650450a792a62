-- wrk script: the issue request every client in the bench sends (same headers and body),
-- and one JSON line at the end with the request count and any errors, for run.py.
wrk.method = "POST"
wrk.path = "/public/v6/usertoken/issue"
wrk.body = '{"Username":"Siteowner","Password":"apitest1234"}'
wrk.headers["API-Key"] = "test-api-key"
wrk.headers["SiteId"] = "-99"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["User-Agent"] = "usertoken-bench/1"

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      '{"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d}\n',
      summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
      latency:percentile(50), latency:percentile(99)))
end
