"""Runs every comparison against ut-emulator and writes results.md and results.png.

    run.py --root REPO --out-dir REPO/build/bench --results REPO/benches [--release DIR]

DIR holds the release build's ut-emulator (default REPO/target/release).

Called by `make bench` (through benches/Makefile, which builds the programs and the venv
first). Every sample of every run goes to OUT_DIR/samples.json as well.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib import metadata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "py"))

import sections  # noqa: E402
from runner import BenchError, Emulator, note  # noqa: E402
from settings import from_env  # noqa: E402


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({model}), Linux {platform.release()}"


# The emulators of a run, one per kind, all on loopback: plain HTTP; HTTPS; and HTTPS where
# every call is a new connection and a full handshake.
EMULATOR_KINDS = ((), ("--tls",), ("--tls", "--no-keep-alive", "--no-tls-resumption"))


class CurlVersionInfo(ctypes.Structure):
    """The leading members of curl_version_info_data (curl/curl.h), the same in every age."""
    _fields_ = [("age", ctypes.c_int), ("version", ctypes.c_char_p), ("version_num", ctypes.c_uint),
                ("host", ctypes.c_char_p), ("features", ctypes.c_int), ("ssl_version", ctypes.c_char_p)]


def meta(root: str, out: str) -> dict:
    ut = ctypes.CDLL(os.path.join(out, "lib/libusertoken.so"))
    ut.ut_version.restype = ctypes.c_char_p
    curl = ctypes.CDLL("libcurl.so.4")
    curl.curl_version.restype = ctypes.c_char_p
    curl.curl_version_info.restype = ctypes.POINTER(CurlVersionInfo)
    curl.curl_version_info.argtypes = [ctypes.c_int]
    git = lambda *a: subprocess.run(["git", "-C", root, *a], capture_output=True, text=True).stdout.strip()  # noqa: E731
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no", "--", "src", "Cargo.toml", "Cargo.lock"):
        commit += " with local changes to the library"
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "cores": os.cpu_count(),
            "ut_version": ut.ut_version().decode(), "commit": commit,
            "curl_version": curl.curl_version().decode().split()[0],
            "curl_ssl": (curl.curl_version_info(0).contents.ssl_version or b"no TLS").decode(),
            "python": platform.python_version(),
            "mindbody_api": metadata.version("mindbody-api"), "requests": metadata.version("requests")}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--release", help="the release build (default ROOT/target/release)")
    args = ap.parse_args()
    st = from_env()
    print(f"bench settings: {st.describe()}", flush=True)
    if not shutil.which("wrk"):
        note("warning: wrk not found (apt-get install wrk): the emulator's capacity is not measured")

    started = time.monotonic()
    release = args.release or os.path.join(args.root, "target/release")
    emulators = []
    try:
        for kind in EMULATOR_KINDS:
            emulators.append(Emulator(os.path.join(release, "ut-emulator"), st.emulator_threads, kind))
        ctx = sections.Context(st, args.root, args.out_dir, *emulators)
        r = {"settings": vars(st), "meta": meta(args.root, args.out_dir)}
        steps = [("emulator", sections.emulator_capacity), ("c_sync", sections.c_sync),
                 ("c_async", sections.c_async), ("https_keep_alive", sections.https_keep_alive),
                 ("https_new_connection", sections.https_new_connection),
                 ("python", sections.python), ("session", sections.session),
                 ("startup", sections.startup), ("https_startup", sections.https_startup),
                 ("memory", sections.memory)]
        for key, step in steps:
            print(f"== {key}", flush=True)
            r[key] = step(ctx)
    except BenchError as e:
        note(f"bench failed: {e}")
        return 1
    finally:
        for emulator in emulators:
            emulator.stop()

    # Imported late: they need the venv's matplotlib, and a failed run should not wait on it.
    import chart
    import report

    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "samples.json"), "w") as f:
        json.dump(r, f, indent=1, default=str)
    md = os.path.join(args.results, "results.md")
    with open(md, "w") as f:
        f.write(report.render(r))
    chart.render(r, os.path.join(args.results, "results.png"))
    print(f"\nwrote {md} and results.png in {time.monotonic() - started:.0f} s\n", flush=True)
    print(open(md).read().split("## C: blocking")[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
