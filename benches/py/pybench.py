"""pybench.py CLIENT --url BASE [--threads N] [--warmup S] [--seconds S]

Issues the same staff token request non-stop from N threads with one of three Python clients
and prints one JSON line for the measured window (after the warm-up):

  ut         the usertoken binding: one Client shared by every thread (it is thread-safe and
             releases the GIL while it waits)
  mindbody   the PyPI `mindbody-api` SDK (swagger-generated): one ApiClient shared by every
             thread (its urllib3 pool is thread-safe)
  requests   a requests.Session per thread (Session is not documented as thread-safe)

Each does the same work per call: the same headers and JSON body, keep-alive, the status
checked and the body parsed into something holding the AccessToken.

  session    not a request: Session.token() on a fresh token (one session of the usertoken
             binding, made before the warm-up, shared by every thread), the call an app makes
             before each API call. It sends nothing, so calls are counted in batches, and the
             client's stats, read after the run, must still show the session's one issue and
             nothing else (the line carries them; a run that sent more fails).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import threading
import time

API_KEY, SITE_ID, VERSION = "test-api-key", "-99", "6"
USERNAME, PASSWORD = "Siteowner", "apitest1234"


def ut_client(url: str, ua: str):
    import usertoken

    client = usertoken.Client(base_url=url, api_key=API_KEY, user_agent=ua)

    def make():
        def call():
            client.issue(USERNAME, PASSWORD, site_id=SITE_ID, version=VERSION)  # raises on error
            return True
        return call
    return make


def mindbody_client(url: str, ua: str):
    import mindbody_api
    from mindbody_api.configuration import Configuration

    config = Configuration()
    config.host = url
    api_client = mindbody_api.ApiClient(config)
    # The SDK's UserToken call declares no auth setting, so it never sends API-Key: added here.
    api_client.set_default_header("API-Key", API_KEY)
    api_client.user_agent = ua
    api = mindbody_api.UserTokenApi(api_client)

    def make():
        def call():
            request = mindbody_api.IssueRequest(username=USERNAME, password=PASSWORD)
            return bool(api.user_token_issue(request, SITE_ID, VERSION).access_token)
        return call
    return make


def requests_client(url: str, ua: str):
    import requests

    endpoint = f"{url}/public/v{VERSION}/usertoken/issue"
    headers = {"API-Key": API_KEY, "SiteId": SITE_ID, "Content-Type": "application/json",
               "Accept": "application/json", "User-Agent": ua}

    def make():
        session = requests.Session()
        session.headers = headers   # replaces the defaults (Accept-Encoding, Connection)

        def call():
            body = json.dumps({"Username": USERNAME, "Password": PASSWORD}, separators=(",", ":"))
            response = session.post(endpoint, data=body)
            return response.status_code == 200 and bool(response.json()["AccessToken"])
        return call
    return make


SESSION_BATCH = 64


def session_client(url: str, ua: str):
    import usertoken

    client = usertoken.Client(base_url=url, api_key=API_KEY, user_agent=ua)
    session = client.session(USERNAME, PASSWORD, site_id=SITE_ID, version=VERSION)

    def make():
        token = session.token

        def call():
            ok = True
            for _ in range(SESSION_BATCH):
                ok = bool(token()) and ok   # raises on error
            return ok
        return call

    def sent() -> dict:
        stats = client.stats()
        return {"issue_requests": stats.issue.requests, "renew_requests": stats.renew.requests,
                "revoke_requests": stats.revoke.requests}

    make.batch = SESSION_BATCH   # calls per call()
    make.sent = sent
    return make


CLIENTS = {"ut": ut_client, "mindbody": mindbody_client, "requests": requests_client,
           "session": session_client}


def peak_rss_kib() -> int:
    """VmHWM, this process image's peak (ru_maxrss would include the runner's, from before exec)."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


def cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("client", choices=sorted(CLIENTS))
    ap.add_argument("--url", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=float, default=0.5)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--user-agent", default="usertoken-bench/1")
    args = ap.parse_args()

    make = CLIENTS[args.client](args.url, args.user_agent)
    batch = getattr(make, "batch", 1)
    counts = [0] * args.threads
    failures = [0]
    stop = threading.Event()

    def worker(i: int) -> None:
        call = make()
        while not stop.is_set():
            try:
                ok = call()
            except Exception as e:   # any failure invalidates the run; say what it was
                print(f"pybench: {args.client}: {e!r}", file=sys.stderr)
                ok = False
            if not ok:
                failures[0] += 1
            counts[i] += batch

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.threads)]
    for t in threads:
        t.start()
    time.sleep(args.warmup)
    c0, t0, cpu0 = sum(counts), time.perf_counter(), cpu_s()
    time.sleep(args.seconds)
    c1, t1, cpu1 = sum(counts), time.perf_counter(), cpu_s()
    stop.set()
    for t in threads:
        t.join()
    calls = c1 - c0
    extra = make.sent() if hasattr(make, "sent") else {}
    if extra and (extra["issue_requests"] != 1 or extra["renew_requests"] or extra["revoke_requests"]):
        print(f"pybench: the session sent requests while it was measured ({extra}; expected the "
              "one issue of Client.session): not the fast path", file=sys.stderr)
        failures[0] += 1
    print(json.dumps({
        "mode": f"py-{args.client}", "threads": args.threads, "calls": calls,
        "failed": failures[0], "seconds": round(t1 - t0, 4),
        "calls_per_s": round(calls / (t1 - t0), 1),
        "cpu_us_per_call": round((cpu1 - cpu0) * 1e6 / calls, 3) if calls else 0,
        "peak_rss_kib": peak_rss_kib(), **extra,
    }), flush=True)
    return 1 if failures[0] or not calls else 0


if __name__ == "__main__":
    sys.exit(main())
