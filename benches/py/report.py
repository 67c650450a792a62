"""results.md: the goals, then one table per comparison, every figure from this run."""

from __future__ import annotations

from typing import List

from goals import RSS_GROWTH_TOLERANCE_KIB, evaluate, growth_power

MET = {True: "met", False: "**missed**", None: "not run"}


def _table(header: List[str], rows: List[List[str]]) -> List[str]:
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out + [""]


def _n(x: float, d: int = 0) -> str:
    return f"{x:,.{d}f}"


def _c_rows(label: str, pair: dict) -> List[List[str]]:
    rows = []
    for side, name in (("ut", "libusertoken"), ("curl", "libcurl")):
        s = pair[side]
        rows.append([f"{label} {name}", _n(s["calls_per_s"]), _n(s["p50_us"], 1), _n(s["p99_us"], 1),
                     _n(s["cpu_us_per_call"], 1), _n(s["user_us_per_call"], 1),
                     _n(s["sys_us_per_call"], 1), _n(s["csw_per_call"], 2),
                     _n(s["peak_rss_kib"] / 1024, 1), _n(s["emu_cpu_us_per_req"], 1),
                     _n(s["busy_cores"], 2), _n(s["other_cores"], 2)])
    rows.append([f"{label} **ut / curl**", f"**{pair['rate_ratio']:.2f}×**", "", "",
                 f"**{pair['cpu_ratio']:.2f}×**", "", "", "", "", "", "", ""])
    return rows


def _sync_rows(pairs: dict, many: int) -> List[List[str]]:
    return _c_rows("1t", pairs[1]) + _c_rows(f"{many}t", pairs[many])


def render(r: dict) -> str:
    st, meta = r["settings"], r["meta"]
    many = st["many_threads"]
    L = ["# Benchmark results", ""]
    if st["quick"]:
        L += ["> **Smoke run (`BENCH_QUICK=1`)**: windows and rounds too short for the figures "
              "to mean much.", ""]
    L += [f"Measured {meta['date']} on {meta['machine']}; libusertoken {meta['ut_version']} "
          f"(commit {meta['commit']}; TLS by rustls, *ring* provider), {meta['curl_version']} "
          f"(TLS by {meta['curl_ssl']}), Python {meta['python']}, "
          f"mindbody-api {meta['mindbody_api']}, requests {meta['requests']}. "
          f"The server is `ut-emulator --threads {st['emulator_threads']}` on loopback, "
          "sharing the machine with the client under test (the HTTPS sections start two more, "
          "with `--tls`).", "",
          "Reproduce with `make bench` (a few minutes; `BENCH_QUICK=1 make bench` for a smoke "
          "run; see `benches/README.md` for the knobs). Every comparison is interleaved: each "
          f"round runs every side once, in rotating order ({st['rounds']} rounds of "
          f"{st['seconds']:g} s windows for C, {st['py_rounds']} of {st['py_seconds']:g} s for "
          "Python, after a warm-up). Figures are medians over rounds; a ratio is the median of "
          "the per-round ratios, so both sides of each ratio ran under the same conditions.", ""]

    other = sorted(x["other_cores"] for x in _all_runs(r))
    if other:
        L += [f"Other processes took a median of {other[len(other) // 2]:.2f} cores (at most "
              f"{other[-1]:.2f}) of the {meta['cores']} during these runs: the *other load* columns "
              "show it run by run.", ""]
    L += ["## Goals", ""]
    L += _table(["goal", "target", "measured", "result"],
                [[g["goal"], g["target"], g["measured"], MET[g["met"]]] for g in evaluate(r)])

    head = ["client", "calls/s", "p50 µs", "p99 µs", "CPU µs/call", "user µs", "sys µs",
            "ctx switches/call", "peak RSS MiB", "emulator CPU µs/req", "busy cores", "other load"]
    L += ["## C: blocking calls", "",
          "`ut_issue` from N threads sharing one client, against libcurl with one reused easy "
          "handle per thread; both send the same headers and JSON body over keep-alive "
          "connections, check the status and read the whole body (libcurl's side finds "
          "`AccessToken` with `strstr`; `ut_issue` validates the whole JSON document). CPU is "
          "user + system time of the whole client process (library threads included) over the "
          "window, per call (then split into user and system time), and *ctx switches* counts the "
          "process's voluntary and involuntary context switches per call. *busy cores* is client plus emulator CPU per call times calls/s: "
          f"near {meta['cores']} the machine is saturated and calls/s follows CPU per call. *other "
          "load* is the cores that other processes (and the hypervisor) took meanwhile.", ""]
    L += _table(head, _sync_rows(r["c_sync"], many))

    k = st["inflight"]
    L += ["## C: async", "",
          f"`ut_issue_async` with {k} requests in flight (each callback submits the next), "
          f"against one libcurl multi handle with {k} transfers in flight (each finished transfer "
          "is checked and re-added). Latency is submit to completion. Each runs as it would by "
          "default: the library on its runtime's worker threads (`worker_threads`, default 2), "
          "the multi handle on the one thread that drives it.", ""]
    L += _table(head, _c_rows(f"{k} in flight", r["c_async"]))

    L += ["## HTTPS: keep-alive", "",
          "The blocking comparison above, over HTTPS: an emulator started with `--tls` (a "
          "certificate for `127.0.0.1` from an authority it generates, ECDSA P-256), both sides "
          "trusting that authority's PEM file (`ca_file` in the `ut_client_new` config; "
          "`CURLOPT_CAINFO`). Both negotiate TLS 1.3. libusertoken's TLS is rustls with the "
          f"*ring* provider; libcurl's is {meta['curl_ssl']}. Connections are kept alive, so "
          "after the first handshake of each connection a call costs its encryption, not a "
          "handshake.", ""]
    L += _table(head, _sync_rows(r["https_keep_alive"], many))

    L += ["## HTTPS: a new connection per call", "",
          "Every call a TCP connection and a full TLS 1.3 handshake, on both sides alike: the "
          "emulator, started with `--tls --no-keep-alive --no-tls-resumption`, answers every "
          "request with `Connection: close`, closes the connection after the answer, and never "
          "resumes a TLS session (no tickets, no session cache), so neither client can skip the "
          "handshake. libusertoken is used as above and opens the next connection itself; "
          "libcurl keeps its one easy handle per thread, sees `Connection: close` and "
          "reconnects. Each side verifies the emulator's certificate chain against the CA file "
          "on every call. *emulator CPU µs/req* is the emulator's side of each handshake and "
          "answer, the same work for both clients.", ""]
    L += _table(head, _sync_rows(r["https_new_connection"], many))

    p = r["python"]
    L += ["## Python", ""]
    if "not_run" in p:
        L += [f"**Not run**: {p['not_run']}", ""]
    else:
        L += ["The binding (`usertoken.Client.issue`, one client shared by all threads) against the "
              "PyPI `mindbody-api` SDK (`UserTokenApi.user_token_issue`, host pointed at the "
              "emulator, `API-Key` added as a default header since the SDK never sends it) and a "
              "hand-written `requests.Session` per thread (`json.dumps` body, `response.json()`).", ""]
        rows = []
        for n in (1, many):
            for c in ("ut", "requests", "mindbody"):
                s = p["clients"][f"{c} {n}"]
                rows.append([f"{n}t {dict(ut='usertoken', requests='requests.Session', mindbody='mindbody-api')[c]}",
                             _n(s["calls_per_s"]), _n(s["cpu_us_per_call"], 1),
                             _n(s["peak_rss_kib"] / 1024, 1), _n(s["busy_cores"], 2),
                             _n(s["other_cores"], 2)])
        for label, key in (("1t **usertoken / mindbody-api**", "ut_vs_mindbody_1"),
                           ("1t **usertoken / requests**", "ut_vs_requests_1"),
                           (f"{many}t **usertoken / mindbody-api**", "ut_vs_mindbody_many"),
                           (f"{many}t **usertoken / requests**", "ut_vs_requests_many"),
                           (f"**usertoken {many}t / 1t**", "ut_many_vs_1")):
            rows.append([label, f"**{p[key]:.2f}×**", "", "", "", ""])
        L += _table(["client", "calls/s", "CPU µs/call", "peak RSS MiB", "busy cores", "other load"], rows)

    L += _session(r)

    L += ["## Start-up", "",
          "Wall time of a whole process, exec to exit, for the smallest program that gets one "
          "token: `ut_client_new` + `ut_issue` + free, and the same with libcurl (global init, "
          f"one easy handle). {st['startup_runs']} runs of each, alternating; the ratio is the "
          "median of each run's time over that of the other program's run next to it. Over "
          "HTTPS, against the `--tls` emulator, both programs trust its CA file as above, and "
          "the time includes each side's TLS set-up (reading the CA file; for libcurl, "
          f"initialising {meta['curl_ssl']}) and one full TLS 1.3 handshake.", ""]
    rows = []
    for key, over in (("startup", ""), ("https_startup", ", HTTPS")):
        s = r[key]
        rows += [[name + over, _n(s[k]["median_ms"], 1), _n(s[k]["min_ms"], 1), _n(s[k]["max_ms"], 1)]
                 for k, name in (("ut", "libusertoken"), ("curl", "libcurl"))]
        rows.append([f"**ut / curl{over}**", f"**{s['ratio']:.2f}×**", "", ""])
    L += _table(["program", "median ms", "min ms", "max ms"], rows)

    m = r["memory"]
    L += ["## Memory", "",
          f"The blocking bench at {st['rss_threads']} threads for {st['rss_calls']:,} calls: RSS "
          f"from `/proc/self/statm` after the first {st['rss_warmup']:,} (warm-up) and at the end, "
          "and the process's peak RSS (`VmHWM` in `/proc/self/status`: Linux's `ru_maxrss` also "
          f"counts the image before `execve`, here the runner's). Growth up to {RSS_GROWTH_TOLERANCE_KIB} KiB counts "
          f"as none: {growth_power(st)}. Medians over {st['rss_rounds']} round(s); worst growth "
          "shown too.", ""]
    L += _table(["client", "peak RSS MiB", "RSS at warm-up MiB", "RSS at end MiB", "growth KiB",
                 "worst growth KiB"],
                [[name, _n(m[k]["peak_rss_kib"] / 1024, 1), _n(m[k]["rss_start_kib"] / 1024, 1),
                  _n(m[k]["rss_end_kib"] / 1024, 1), f"{m[k]['growth_kib']:+,.0f}",
                  f"{m[k]['max_growth_kib']:+,.0f}"]
                 for k, name in (("ut", "libusertoken"), ("curl", "libcurl"))])

    e = r["emulator"]
    L += ["## The emulator's capacity", ""]
    if "not_run" in e:
        L += [f"**wrk not run**: {e['not_run']}. The fastest client above is the lower bound "
              "of what the emulator serves.", ""]
    else:
        fastest = max(x["calls_per_s"] for x in _all_c(r))
        per_core = 1e6 / e["emu_cpu_us_per_req"]
        L += [f"`wrk -t2 -c{e['connections']}` POSTing the same issue request "
              "(`benches/wrk/issue.lua`) on the same machine, so wrk and the emulator share its "
              f"{meta['cores']} cores as the clients above do. The fastest client above (median of its rounds) reached "
              f"{fastest:,.0f} calls/s ({100 * fastest / e['calls_per_s']:.0f}% of wrk's rate). The "
              f"emulator spends {e['emu_cpu_us_per_req']:.1f} µs of CPU per request here, so a core of "
              f"its own would serve about {per_core:,.0f} requests/s: where *busy cores* above nears "
              f"{meta['cores']}, the shared CPU, not the emulator's design, bounds calls/s, and CPU "
              "per call is the figure that separates the clients.", ""]
        L += _table(["load generator", "requests/s", "p50 µs", "p99 µs", "emulator CPU µs/req"],
                    [[f"wrk, {e['connections']} connections", _n(e["calls_per_s"]),
                      _n(e["p50_us"]), _n(e["p99_us"]), _n(e["emu_cpu_us_per_req"], 1)]])

    L += ["![calls/s, CPU per call, start-up and memory](results.png)", ""]
    return "\n".join(L)


def _per_call(ns: float) -> str:
    return f"{ns:,.0f} ns" if ns < 1000 else f"{ns / 1000:,.2f} µs"


def _session(r: dict) -> List[str]:
    st, meta = r["settings"], r["meta"]
    many = st["many_threads"]
    ss = r["session"]
    L = ["## Sessions: the token fast path", "",
         "Apps ask their session for the token before every API call; while the token is far from "
         "its renewal (the client's default `session_renew_margin_s`, 3600 s, against the "
         "emulator's 24 h tokens) that call sends nothing. Each run makes one client and one "
         "session (its one issue), then calls the session's token function non-stop: "
         f"`ut_session_token` + `ut_free_string` from 1 and {many} threads sharing the session "
         f"(`bench-ut ut-session`; {st['rounds']} interleaved rounds of {st['seconds']:g} s), "
         "`Session.token()` of the Python binding and `UserTokenSession.GetToken()` of the C# "
         f"binding under Mono, 1 thread each ({st['py_rounds']} round(s) of {st['py_seconds']:g} s, "
         "interleaved). Calls are counted in batches (no clock read per call); *per call* is the "
         "window over the calls made by all threads together, so at "
         f"{many} threads it is the inverse of the aggregate rate. *client cores* is CPU per call "
         f"times calls/s: how much of the {meta['cores']} cores the program got, which the "
         f"{many}-thread rate depends on where *other load* is high. After every run the "
         "client's own counts (`ut_client_stats`, `Client.stats()`, `Stats`) showed the one "
         "issue and no renew or revoke, and the emulator had served that one request: a run "
         "that sent anything more fails the bench.", ""]
    rows = []
    for key, label in ((1, "C, 1 thread"), (many, f"C, {many} threads"),
                       ("python", "Python `Session.token()`, 1 thread"),
                       ("csharp", "C# `GetToken()` (Mono), 1 thread")):
        x = ss["c"][key] if isinstance(key, int) else ss.get(key, {})
        if "not_run" in x:
            rows.append([label, "not run", "", "", "", "", ""])
            continue
        rows.append([label, _n(x["calls_per_s"]), _per_call(x["ns_per_call"]),
                     _per_call(x["cpu_ns_per_call"]), _n(x["peak_rss_kib"] / 1024, 1),
                     _n(x["client_cores"], 2), _n(x["other_cores"], 2)])
    rows.append([f"C **{many} threads / 1 thread**", f"**{ss['c_many_vs_1']:.2f}×**", "",
                 f"**{ss['c_cpu_many_vs_1']:.2f}×**", "", "", ""])
    L += _table(["caller", "calls/s", "per call", "CPU per call", "peak RSS MiB", "client cores",
                 "other load"], rows)
    for key, name in (("python", "Python"), ("csharp", "C#")):
        if "not_run" in ss.get(key, {}):
            L += [f"**{name} not run**: {ss[key]['not_run']}.", ""]
    return L


def _all_runs(r: dict):
    """Every sample that recorded the machine's other load."""
    groups = [pair for key in ("c_sync", "https_keep_alive", "https_new_connection")
              for pair in r[key].values()] + [r["c_async"]]
    for pair in groups:
        for side in ("ut", "curl"):
            yield from pair[side]["samples"]
    for c in r["python"].get("clients", {}).values():
        yield from c["samples"]
    ss = r.get("session", {})
    for c in list(ss.get("c", {}).values()) + [ss.get("python", {}), ss.get("csharp", {})]:
        yield from c.get("samples", [])


def _all_c(r: dict):
    for pair in list(r["c_sync"].values()) + [r["c_async"]]:
        yield pair["ut"]
        yield pair["curl"]
