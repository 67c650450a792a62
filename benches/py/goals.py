"""The project's performance goals, checked against one run's numbers (nothing is assumed:
a goal whose measurement did not run is reported as not run)."""

from __future__ import annotations

from typing import List, Optional

# A leak shows as steady growth; allocator and page-cache noise as a few pages. Growth up to
# this much between the warm-up mark and the end counts as none (see growth_power below).
RSS_GROWTH_TOLERANCE_KIB = 256


def _goal(name: str, target: str, measured: Optional[float], fmt: str, ok) -> dict:
    if measured is None:
        return {"goal": name, "target": target, "measured": "not run", "met": None}
    shown = fmt.format(measured)
    if shown.replace("×", "") in target:   # 0.996 shown as 1.00 next to "≥ 1.00×": one more digit
        shown = fmt.replace(":.2f", ":.3f").format(measured)
    return {"goal": name, "target": target, "measured": shown, "met": bool(ok(measured))}


def _threads(n: int) -> str:
    return f"{n} thread{'s' if n > 1 else ''}"


def _sync_goals(r: dict, key: str, label: str) -> List[dict]:
    """At least libcurl's calls/s for at most its CPU per call, at 1 and N threads."""
    goals = []
    for n in (1, r["settings"]["many_threads"]):
        c = r.get(key, {}).get(n)
        goals.append(_goal(f"{label} {_threads(n)}: calls/s vs libcurl", "≥ 1.00×",
                           c and c["rate_ratio"], "{:.2f}×", lambda x: x >= 1.0))
        goals.append(_goal(f"{label} {_threads(n)}: CPU per call vs libcurl", "≤ 1.00×",
                           c and c["cpu_ratio"], "{:.2f}×", lambda x: x <= 1.0))
    return goals


def evaluate(r: dict) -> List[dict]:
    st = r["settings"]
    many = st["many_threads"]
    goals = _sync_goals(r, "c_sync", "C")
    a = r.get("c_async")
    goals.append(_goal(f"C async, {st['inflight']} in flight: calls/s vs libcurl multi", "≥ 1.00×",
                       a and a["rate_ratio"], "{:.2f}×", lambda x: x >= 1.0))
    goals += _sync_goals(r, "https_keep_alive", "HTTPS keep-alive, C")
    for n in (1, many):
        c = r.get("https_new_connection", {}).get(n)
        goals.append(_goal(f"HTTPS, a new connection per call, C {_threads(n)}: calls/s vs libcurl",
                           "≥ 1.30×", c and c["rate_ratio"], "{:.2f}×", lambda x: x >= 1.3))
    p = r.get("python") or {}
    ok_py = "not_run" not in p and bool(p)
    goals.append(_goal("Python 1 thread: calls/s vs mindbody-api", "≥ 3.00×",
                       p["ut_vs_mindbody_1"] if ok_py else None, "{:.2f}×", lambda x: x >= 3.0))
    goals.append(_goal("Python 1 thread: calls/s vs requests.Session", "≥ 1.50×",
                       p["ut_vs_requests_1"] if ok_py else None, "{:.2f}×", lambda x: x >= 1.5))
    goals.append(_goal(f"Python {many} threads: calls/s vs its own 1 thread", "≥ 1.50×",
                       p["ut_many_vs_1"] if ok_py else None, "{:.2f}×", lambda x: x >= 1.5))
    ss = r.get("session") or {}
    c = ss.get("c", {})
    goals.append(_goal("Session token, C 1 thread: time per call (fresh token)", "≤ 250 ns",
                       c[1]["ns_per_call"] if 1 in c else None, "{:.1f} ns", lambda x: x <= 250))
    cores = r.get("meta", {}).get("cores")
    goals.append(_goal(f"Session token, C {many} threads on {cores} cores: calls/s vs its own 1 thread",
                       "≥ 1.80×", ss.get("c_many_vs_1"), "{:.2f}×", lambda x: x >= 1.8))
    sp = ss.get("python") or {}
    goals.append(_goal("Session token, Python 1 thread: time per `Session.token()`", "≤ 3.00 µs",
                       sp["ns_per_call"] / 1000 if "ns_per_call" in sp else None, "{:.2f} µs",
                       lambda x: x <= 3.0))
    s = r.get("startup")
    goals.append(_goal("Start-up to first result (whole process)", "≤ 30 ms",
                       s and s["ut"]["median_ms"], "{:.1f} ms", lambda x: x <= 30.0))
    s = r.get("https_startup")
    goals.append(_goal("Start-up to first result over HTTPS: time vs libcurl's", "≤ 0.50×",
                       s and s["ratio"], "{:.2f}×", lambda x: x <= 0.5))
    m = r.get("memory")
    goals.append(_goal(f"Peak RSS at {st['rss_threads']} threads (VmHWM)", "≤ 16 MiB",
                       m and m["ut"]["peak_rss_kib"] / 1024, "{:.1f} MiB", lambda x: x <= 16.0))
    goals.append(_goal(f"RSS growth, {st['rss_warmup']:,} → {st['rss_calls']:,} calls",
                       f"none (≤ {RSS_GROWTH_TOLERANCE_KIB} KiB)",
                       m and m["ut"]["max_growth_kib"], "{:+.0f} KiB",
                       lambda x: x <= RSS_GROWTH_TOLERANCE_KIB))
    return goals


def growth_power(st: dict) -> str:
    """What the tolerance can still detect: the growth a 16-byte-per-call leak would cause."""
    window = st["rss_calls"] - st["rss_warmup"]
    return (f"a leak of 16 bytes per call would add {16 * window / 1024:,.0f} KiB over these "
            f"{window:,} calls")
