"""Threads: blocking calls release the GIL, and close() is safe against calls in flight."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from support import SITE_ID, STAFF, make_client

CALLS = 400
THREADS = 8
# Each answer takes this long at the emulator, as any network round trip would: a thread
# waiting for it in the library must let the others run. On loopback without it, the host's
# cores (two, say, shared with the emulator) would bound the speed-up instead of the GIL.
LATENCY_MS = 2


def issue_batch(client, count: int) -> None:
    for _ in range(count):
        client.issue(*STAFF, site_id=SITE_ID)


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def test_eight_threads_beat_one(emulator):
    with make_client(emulator, worker_threads=THREADS) as client:
        issue_batch(client, 50)  # warm: connections, runtime threads
        emulator.fault(kind="delay", delay_ms=LATENCY_MS, count=2 * CALLS)
        one = timed(lambda: issue_batch(client, CALLS))
        with ThreadPoolExecutor(THREADS) as pool:
            eight = timed(lambda: list(pool.map(lambda _: issue_batch(client, CALLS // THREADS), range(THREADS))))
    print(f"\n{CALLS} issue calls, {LATENCY_MS} ms each at the server: 1 thread {one:.3f} s, "
          f"{THREADS} threads {eight:.3f} s, speedup {one / eight:.2f}x")
    # Loose on purpose: it shows the GIL is released during calls, not a benchmark target.
    assert one / eight >= 1.3


def test_close_while_threads_are_calling(emulator):
    client = make_client(emulator, worker_threads=4)
    stop = threading.Event()
    outcomes: list = []

    def worker() -> None:
        while not stop.is_set():
            try:
                client.issue(*STAFF, site_id=SITE_ID)
                outcomes.append("ok")
            except ValueError:  # closed: the expected end of the loop
                outcomes.append("closed")
                return

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    client.close()
    stop.set()
    for thread in threads:
        thread.join(10)
    assert not any(thread.is_alive() for thread in threads)
    assert "ok" in outcomes
    assert client.closed and emulator.stats()["issue"] == outcomes.count("ok")

