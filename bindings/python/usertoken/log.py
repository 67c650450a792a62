"""The library's log lines, forwarded to the standard ``logging`` logger ``"usertoken"``.

Off until :func:`enable_logging` is called: the library then formats a line per request
attempt, retry, success and failure, which costs time when nobody reads them.
"""

from __future__ import annotations

import logging
from typing import Optional

from ._native import LOG_CALLBACK, lib
from .errors import check

logger = logging.getLogger("usertoken")

#: The library's most detailed level, below ``logging.DEBUG``.
TRACE = 5
logging.addLevelName(TRACE, "TRACE")

# UT_LOG_ERROR 1 ... UT_LOG_TRACE 5
_TO_PYTHON = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG, 5: TRACE}


def _forward(user_data: Optional[int], level: int, message: Optional[bytes]) -> None:
    # Runs on library threads, several at once; logging is thread-safe.
    python_level = _TO_PYTHON.get(level, logging.DEBUG)
    if message is not None and logger.isEnabledFor(python_level):
        logger.log(python_level, "%s", message.decode("utf-8", "replace"))


# Module-level so it outlives every use: the library keeps calling it until it is replaced.
_LOG_CALLBACK = LOG_CALLBACK(_forward)

#: Whether the library has been given the callback.
enabled = False


def _max_level(level: int) -> int:
    """The library level that lets through every line at Python ``level`` and above."""
    for native, python_level in sorted(_TO_PYTHON.items()):
        if level >= python_level:
            return native
    return 5


def enable_logging(level: int = logging.DEBUG) -> None:
    """Forwards the library's lines at ``level`` and above to the ``"usertoken"`` logger.

    ``level`` is a ``logging`` level; :data:`TRACE` (5) or lower also passes the library's
    trace lines. Where the lines go is up to the usual ``logging`` configuration.
    No line ever holds a password, a token or the API key. Raises nothing.
    """
    global enabled
    check(lib.ut_set_log_callback(_LOG_CALLBACK, None, _max_level(level)), None)
    enabled = True


def disable_logging() -> None:
    """Stops forwarding. A line the library had already begun may still arrive. Raises nothing."""
    global enabled
    lib.ut_set_log_callback(LOG_CALLBACK(), None, 0)
    enabled = False
