"""The comparisons. Each returns a plain dict of medians and ratios for the report and chart;
the per-run samples are kept too (run.py writes them to build/bench/samples.json)."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from typing import Dict, List

from runner import BenchError, Case, Emulator, interleave, paired_ratio, run_json, spawn_ms
from settings import Settings

C_KEYS = ("calls_per_s", "p50_us", "p99_us", "cpu_us_per_call", "user_us_per_call", "sys_us_per_call",
          "csw_per_call", "peak_rss_kib", "emu_cpu_us_per_req", "other_cores")


@dataclass
class Context:
    settings: Settings
    root: str       # repository root
    out: str        # build/bench: programs and raw output
    emulator: Emulator      # plain HTTP, keep-alive
    https: Emulator         # --tls
    https_close: Emulator   # --tls --no-keep-alive --no-tls-resumption: a full handshake per call

    def prog(self, name: str) -> str:
        return os.path.join(self.out, name)


def summarize(case: Case, keys=C_KEYS) -> Dict[str, float]:
    s = {k: case.median(k) for k in keys if k in case.samples[0]}
    if "emu_cpu_us_per_req" in s:
        # Cores kept busy by client and emulator together: near the core count, the machine
        # (not either program) sets calls/s, and CPU per call is the figure to compare.
        s["busy_cores"] = (s["cpu_us_per_call"] + s["emu_cpu_us_per_req"]) * s["calls_per_s"] / 1e6
    s["samples"] = case.samples
    return s


def _c_run(emulator: Emulator, timeout: float):
    return lambda case: run_json(case.argv, case.env, timeout, emulator)


def c_pair(ctx: Context, label: str, emulator: Emulator, ut_argv: List[str],
           curl_argv: List[str]) -> dict:
    """ut against curl on `emulator`, interleaved."""
    st = ctx.settings
    common = emulator.target() + ["--warmup", str(st.warmup), "--seconds", str(st.seconds)]
    ut_extra = ["--ut-extra", st.ut_extra] if st.ut_extra else []
    ut = Case("ut", [ctx.prog("bench-ut")] + ut_argv + common + ut_extra)
    curl = Case("curl", [ctx.prog("bench-curl")] + curl_argv + common)
    interleave([ut, curl], st.rounds, _c_run(emulator, st.warmup + st.seconds + 60), label)
    return {"ut": summarize(ut), "curl": summarize(curl),
            "rate_ratio": paired_ratio(ut, curl, "calls_per_s"),
            "cpu_ratio": paired_ratio(ut, curl, "cpu_us_per_call")}


def _sync_pairs(ctx: Context, label: str, emulator: Emulator) -> Dict[int, dict]:
    """Blocking calls from 1 and N threads: ut_issue against a reused easy handle per thread."""
    return {n: c_pair(ctx, f"{label} {n}t", emulator, ["ut-sync", "--threads", str(n)],
                      ["curl-sync", "--threads", str(n)])
            for n in (1, ctx.settings.many_threads)}


def c_sync(ctx: Context) -> Dict[int, dict]:
    return _sync_pairs(ctx, "C sync", ctx.emulator)


def https_keep_alive(ctx: Context) -> Dict[int, dict]:
    return _sync_pairs(ctx, "HTTPS keep-alive", ctx.https)


def https_new_connection(ctx: Context) -> Dict[int, dict]:
    """The emulator closes every connection after its answer and never resumes a TLS session,
    so each call of either client is a connect and a full handshake."""
    return _sync_pairs(ctx, "HTTPS new connection", ctx.https_close)


def c_async(ctx: Context) -> dict:
    k = str(ctx.settings.inflight)
    return c_pair(ctx, f"C async {k}", ctx.emulator, ["ut-async", "--inflight", k],
                  ["curl-multi", "--inflight", k])


def python(ctx: Context) -> dict:
    st = ctx.settings
    env = {"USERTOKEN_LIBRARY": os.path.join(ctx.out, "lib/libusertoken.so"),   # the run's copy
           "PYTHONPATH": os.path.join(ctx.root, "bindings/python")}
    probe = subprocess.run([os.path.join(os.path.dirname(ctx.out), "bench-venv/bin/python"), "-c",
                            "import usertoken; usertoken.Client"], env={**os.environ, **env},
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return {"not_run": "the Python binding does not import: " + probe.stderr.strip()[-300:]}
    script = os.path.join(os.path.dirname(__file__), "pybench.py")
    py = os.path.join(os.path.dirname(ctx.out), "bench-venv/bin/python")
    cases = {}
    for client in ("ut", "requests", "mindbody"):
        for n in (1, st.many_threads):
            cases[(client, n)] = Case(
                f"{client} {n}t", [py, script, client, "--url", ctx.emulator.url, "--threads",
                                   str(n), "--warmup", str(st.warmup), "--seconds", str(st.py_seconds)],
                env)
    interleave(list(cases.values()), st.py_rounds,
               _c_run(ctx.emulator, st.warmup + st.py_seconds + 60), "Python")
    keys = ("calls_per_s", "cpu_us_per_call", "peak_rss_kib", "emu_cpu_us_per_req", "other_cores")
    many = st.many_threads
    return {
        "clients": {f"{c} {n}": summarize(case, keys) for (c, n), case in cases.items()},
        "ut_vs_mindbody_1": paired_ratio(cases[("ut", 1)], cases[("mindbody", 1)], "calls_per_s"),
        "ut_vs_requests_1": paired_ratio(cases[("ut", 1)], cases[("requests", 1)], "calls_per_s"),
        "ut_vs_mindbody_many": paired_ratio(cases[("ut", many)], cases[("mindbody", many)], "calls_per_s"),
        "ut_vs_requests_many": paired_ratio(cases[("ut", many)], cases[("requests", many)], "calls_per_s"),
        "ut_many_vs_1": paired_ratio(cases[("ut", many)], cases[("ut", 1)], "calls_per_s"),
    }


SESSION_KEYS = ("calls_per_s", "cpu_us_per_call", "user_us_per_call", "peak_rss_kib", "other_cores")


def _session_summary(case: Case) -> dict:
    # Each run made one session (one issue) before its warm-up and must have sent nothing
    # more: the program checks the client's own counts, and here the emulator's count agrees.
    for sample in case.samples:
        if sample.get("emu_requests") != 1:
            raise BenchError(f"session {case.name}: the emulator served {sample.get('emu_requests')} "
                             "requests during the run, not just the session's first issue")
    s = summarize(case, SESSION_KEYS)
    s["ns_per_call"] = 1e9 / s["calls_per_s"]
    s["cpu_ns_per_call"] = s["cpu_us_per_call"] * 1000
    s["client_cores"] = s["cpu_us_per_call"] * s["calls_per_s"] / 1e6
    return s


def session(ctx: Context) -> dict:
    """A session's fast path: the token of a session far from its renewal, asked for before
    every API call. C at 1 and N threads sharing one session; Python and C# at 1 thread. Each
    client keeps the default session_renew_margin_s (BENCH_UT_EXTRA is not applied here)."""
    st = ctx.settings
    many = st.many_threads
    common = ["--url", ctx.emulator.url, "--warmup", str(st.warmup), "--seconds", str(st.seconds)]
    c = {n: Case(f"C {n}t", [ctx.prog("bench-ut"), "ut-session", "--threads", str(n)] + common)
         for n in (1, many)}
    interleave(list(c.values()), st.rounds, _c_run(ctx.emulator, st.warmup + st.seconds + 60), "session C")
    out = {"c": {n: _session_summary(case) for n, case in c.items()},
           "c_many_vs_1": paired_ratio(c[many], c[1], "calls_per_s"),
           "c_cpu_many_vs_1": paired_ratio(c[many], c[1], "cpu_us_per_call")}

    py = os.path.join(os.path.dirname(ctx.out), "bench-venv/bin/python")
    others, window = {}, ["--url", ctx.emulator.url, "--threads", "1", "--warmup", str(st.warmup),
                          "--seconds", str(st.py_seconds)]
    env = {"USERTOKEN_LIBRARY": os.path.join(ctx.out, "lib/libusertoken.so"),
           "PYTHONPATH": os.path.join(ctx.root, "bindings/python")}
    probe = subprocess.run([py, "-c", "import usertoken; usertoken.Client"], env={**os.environ, **env},
                           capture_output=True, text=True)
    if probe.returncode == 0:
        others["python"] = Case("Python 1t", [py, os.path.join(os.path.dirname(__file__), "pybench.py"),
                                              "session"] + window, env)
    else:
        out["python"] = {"not_run": "the Python binding does not import: " + probe.stderr.strip()[-300:]}
    exe, mono = ctx.prog("session-bench.exe"), shutil.which("mono")
    if os.path.exists(exe) and mono:
        # Mono finds libusertoken through the loader's path: the run's copy.
        others["csharp"] = Case("C# 1t", [mono, exe] + window,
                                {"LD_LIBRARY_PATH": os.path.join(ctx.out, "lib")})
    else:
        out["csharp"] = {"not_run": ("mono is not installed" if os.path.exists(exe) else
                                     "build/bench/session-bench.exe was not built (mcs missing, or "
                                     "its compile failed: see make's output)")
                                    + " (Debian: mono-mcs, mono-runtime, "
                                    "libmono-system-runtime-serialization4.0-cil)"}
    if others:
        interleave(list(others.values()), st.py_rounds,
                   _c_run(ctx.emulator, st.warmup + st.py_seconds + 60), "session Python, C#")
    for key, case in others.items():
        out[key] = _session_summary(case)
    return out


def _startup(ctx: Context, label: str, emulator: Emulator) -> dict:
    """Whole processes, ut and curl alternating; the ratio pairs each ut run with the curl run
    next to it."""
    st = ctx.settings
    target = [emulator.url] + ([emulator.ca_file] if emulator.ca_file else [])
    cases = [Case("ut", [ctx.prog("startup-ut")] + target),
             Case("curl", [ctx.prog("startup-curl")] + target)]
    for case in cases:   # one untimed run each, so the first timed one finds warm page caches
        spawn_ms(case.argv)
    for r in range(st.startup_runs):
        for case in (cases if r % 2 == 0 else cases[::-1]):
            case.samples.append({"ms": spawn_ms(case.argv)})
    print(f"  [{label}] {st.startup_runs} runs each", flush=True)
    out = {c.name: {"median_ms": c.median("ms"),
                    "min_ms": min(s["ms"] for s in c.samples),
                    "max_ms": max(s["ms"] for s in c.samples), "samples": c.samples}
           for c in cases}
    out["ratio"] = paired_ratio(cases[0], cases[1], "ms")
    return out


def startup(ctx: Context) -> dict:
    return _startup(ctx, "start-up", ctx.emulator)


def https_startup(ctx: Context) -> dict:
    return _startup(ctx, "start-up over HTTPS", ctx.https)


def memory(ctx: Context) -> dict:
    st = ctx.settings
    window = st.rss_calls - st.rss_warmup
    common = ["--url", ctx.emulator.url, "--threads", str(st.rss_threads),
              "--warmup-calls", str(st.rss_warmup), "--calls", str(window)]
    ut_extra = ["--ut-extra", st.ut_extra] if st.ut_extra else []
    cases = [Case("ut", [ctx.prog("bench-ut"), "ut-sync"] + common + ut_extra),
             Case("curl", [ctx.prog("bench-curl"), "curl-sync"] + common)]
    interleave(cases, st.rss_rounds, _c_run(ctx.emulator, 600), "memory")
    out = {}
    for c in cases:
        for s in c.samples:
            s["growth_kib"] = s["rss_end_kib"] - s["rss_start_kib"]
        out[c.name] = {"peak_rss_kib": c.median("peak_rss_kib"), "rss_start_kib": c.median("rss_start_kib"),
                       "rss_end_kib": c.median("rss_end_kib"), "growth_kib": c.median("growth_kib"),
                       "max_growth_kib": max(s["growth_kib"] for s in c.samples),
                       "samples": c.samples}
    return out


def emulator_capacity(ctx: Context) -> dict:
    st = ctx.settings
    wrk = shutil.which("wrk")
    if not wrk:
        return {"not_run": "wrk is not installed (Debian package: wrk)"}
    script = os.path.join(os.path.dirname(os.path.dirname(__file__)), "wrk", "issue.lua")
    argv = [wrk, "-t2", f"-c{st.wrk_connections}", f"-d{st.wrk_seconds}s", "-s", script,
            ctx.emulator.url]
    samples = []
    for r in range(st.wrk_rounds):
        s = run_json(argv, None, st.wrk_seconds + 60, ctx.emulator)
        if s["status_errors"] or s["socket_errors"]:
            raise BenchError(f"wrk saw errors: {json.dumps(s)}")
        s["calls_per_s"] = s["requests"] / (s["duration_us"] / 1e6)
        samples.append(s)
        print(f"  [emulator {r + 1}/{st.wrk_rounds}] wrk -c{st.wrk_connections}: "
              f"{s['calls_per_s']:,.0f} requests/s", flush=True)
    med = lambda k: statistics.median(s[k] for s in samples)  # noqa: E731
    return {"connections": st.wrk_connections, "calls_per_s": med("calls_per_s"),
            "p50_us": med("p50_us"), "p99_us": med("p99_us"),
            "emu_cpu_us_per_req": med("emu_cpu_us_per_req"), "samples": samples}
