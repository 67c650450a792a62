"""results.png: the same run as results.md, in nine panels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")   # no display: render straight to a file
import matplotlib.pyplot as plt  # noqa: E402

UT, BASE, OTHER = "#1f77b4", "#ff7f0e", "#7f7f7f"


def _bars(ax, groups, series, title, unit, goal=None, goal_label=None):
    """series: [(label, colour, [value per group])]."""
    width = 0.8 / len(series)
    for i, (label, colour, values) in enumerate(series):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
        bars = ax.bar(xs, values, width, label=label, color=colour)
        ax.bar_label(bars, labels=[_short(v) for v in values], fontsize=7, padding=1)
    ax.set_xticks(range(len(groups)), groups, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(unit, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    if goal is not None:
        ax.axhline(goal, color="red", linestyle="--", linewidth=1, label=goal_label)
    ax.legend(fontsize=7)
    ax.margins(y=0.15)


def _cpu_bars(ax, groups, pairs, title):
    """User time solid, system time hatched on top: the split shows where a gap comes from.
    Each bar is the median total (as in results.md), split in the ratio of the median user and
    system times (medians do not add up exactly)."""
    width = 0.4
    for i, (side, label, colour) in enumerate((("ut", "libusertoken", UT), ("curl", "libcurl", BASE))):
        xs = [g + (i - 0.5) * width for g in range(len(groups))]
        total = [p[side]["cpu_us_per_call"] for p in pairs]
        share = [p[side]["user_us_per_call"] / ((p[side]["user_us_per_call"] + p[side]["sys_us_per_call"]) or 1)
                 for p in pairs]
        user = [t * f for t, f in zip(total, share)]
        sys_ = [t - u for t, u in zip(total, user)]
        ax.bar(xs, user, width, color=colour, label=f"{label} user")
        bars = ax.bar(xs, sys_, width, bottom=user, color=colour, alpha=0.45, hatch="//",
                      label=f"{label} system")
        ax.bar_label(bars, labels=[_short(p[side]["cpu_us_per_call"]) for p in pairs],
                     fontsize=7, padding=1)
    ax.set_xticks(range(len(groups)), groups, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("µs", fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(fontsize=7, ncol=2, loc="upper left")
    ax.margins(y=0.35)


def _calls_bars(ax, groups, pairs, title):
    _bars(ax, groups, [("libusertoken", UT, [p["ut"]["calls_per_s"] for p in pairs]),
                       ("libcurl", BASE, [p["curl"]["calls_per_s"] for p in pairs])], title, "calls/s")


def _short(v: float) -> str:
    return f"{v / 1000:.1f}k" if v >= 10000 else (f"{v:.0f}" if v >= 100 else f"{v:.1f}")


def render(r: dict, path: str) -> None:
    st = r["settings"]
    many, k = st["many_threads"], st["inflight"]
    fig, axes = plt.subplots(3, 3, figsize=(15, 12))
    https, fresh = r["https_keep_alive"], r["https_new_connection"]
    pairs = [r["c_sync"][1], r["c_sync"][many], r["c_async"], https[1], https[many]]
    groups = ["sync,\n1 thread", f"sync,\n{many} threads", f"async,\n{k} in flight",
              "HTTPS sync,\n1 thread", f"HTTPS sync,\n{many} threads"]

    ax = axes[0][0]
    _calls_bars(ax, groups, pairs, "C: calls/s, keep-alive (higher is better)")
    if "not_run" not in r["emulator"]:
        ax.axhline(r["emulator"]["calls_per_s"], color=OTHER, linestyle=":", linewidth=1)
        ax.text(-0.4, r["emulator"]["calls_per_s"], " emulator under wrk", fontsize=7, va="bottom")

    _cpu_bars(axes[0][1], groups, pairs, "C: client CPU per call, user + system (lower is better)")

    p = r["python"]
    ax = axes[0][2]
    if "not_run" in p:
        ax.text(0.5, 0.5, "Python: not run", ha="center", va="center")
        ax.set_axis_off()
    else:
        c = p["clients"]
        _bars(ax, ["1 thread", f"{many} threads"],
              [("usertoken", UT, [c["ut 1"]["calls_per_s"], c[f"ut {many}"]["calls_per_s"]]),
               ("requests.Session", BASE, [c["requests 1"]["calls_per_s"], c[f"requests {many}"]["calls_per_s"]]),
               ("mindbody-api", OTHER, [c["mindbody 1"]["calls_per_s"], c[f"mindbody {many}"]["calls_per_s"]])],
              "Python: calls/s (higher is better)", "calls/s")

    s, m = r["startup"], r["memory"]
    _bars(axes[1][0], ["exec to first token, exit"],
          [("libusertoken", UT, [s["ut"]["median_ms"]]), ("libcurl", BASE, [s["curl"]["median_ms"]])],
          "Start-up (lower is better)", "ms", 30, "goal 30 ms")
    _bars(axes[1][1], [f"peak, {st['rss_threads']} threads"],
          [("libusertoken", UT, [m["ut"]["peak_rss_kib"] / 1024]),
           ("libcurl", BASE, [m["curl"]["peak_rss_kib"] / 1024])],
          "Peak RSS (lower is better)", "MiB", 16, "goal 16 MiB")
    _bars(axes[1][2], [f"{st['rss_warmup']:,} → {st['rss_calls']:,} calls"],
          [("libusertoken", UT, [m["ut"]["growth_kib"]]), ("libcurl", BASE, [m["curl"]["growth_kib"]])],
          "RSS growth after warm-up (lower is better)", "KiB")

    # A full TLS handshake per call costs tens of times a keep-alive call: panels of their own.
    pairs = [fresh[1], fresh[many]]
    groups = ["1 thread", f"{many} threads"]
    _calls_bars(axes[2][0], groups, pairs, "HTTPS, a new connection per call: calls/s (higher is better)")
    _cpu_bars(axes[2][1], groups, pairs, "HTTPS, a new connection per call: CPU per call (lower is better)")
    s = r["https_startup"]
    _bars(axes[2][2], ["exec to first token over HTTPS, exit"],
          [("libusertoken", UT, [s["ut"]["median_ms"]]), ("libcurl", BASE, [s["curl"]["median_ms"]])],
          "Start-up over HTTPS (lower is better)", "ms")

    title = "usertoken benchmarks (make bench)" + ("  [smoke run]" if st["quick"] else "")
    fig.suptitle(f"{title}: {r['meta']['date']}, {r['meta']['machine']}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
