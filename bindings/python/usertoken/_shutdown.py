"""Interpreter exit: no library thread may call into Python once finalization has begun.

There, a thread that takes the GIL is ended with ``pthread_exit``, and unwinding that way
through the library's frames aborts the process. So before finalization: logging is turned
off, open clients are closed (which completes their pending requests at once), requests of
clients still in use by other threads are cancelled, and the callbacks already on their way
are given the GIL to finish.
"""

from __future__ import annotations

import atexit
import time

from . import aio, client, log

# Bounded: a callback stuck in user code must not hang the exit.
_DRAIN_SECONDS = 1.0
_STEP_SECONDS = 0.005
# Lines the library began before logging was turned off may be waiting for the GIL.
_LOG_DRAIN_SECONDS = 0.02


@atexit.register
def _before_finalization() -> None:
    if log.enabled:
        log.disable_logging()
        time.sleep(_LOG_DRAIN_SECONDS)  # sleeping hands them the GIL
    for handle in list(client.open_clients):
        handle.close()
    aio.cancel_all()
    deadline = time.monotonic() + _DRAIN_SECONDS
    while aio.pending_requests() and time.monotonic() < deadline:
        time.sleep(_STEP_SECONDS)
