"""An owned native pointer that is freed exactly once, and never while a call still uses it.

``close()`` may come from any thread while other threads are inside a blocking call with the
same pointer (a ``ut_client`` is shared by threads). Calls borrow the pointer; closing marks
it closed at once (new calls fail) and the free happens when the last borrow ends, so
``close()`` never waits for a slow request and never frees memory in use.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator, Optional


class Handle:
    def __init__(self, pointer: int, free: Callable[[int], None], kind: str) -> None:
        self._pointer: Optional[int] = pointer
        self._free = free
        self._kind = kind
        self._borrows = 0
        self._closed = False
        self._lock = threading.Lock()

    @property
    def closed(self) -> bool:
        return self._closed

    def acquire(self) -> int:
        """Borrows the pointer; every acquire must be paired with a :meth:`release`."""
        with self._lock:
            if self._closed:
                raise ValueError(f"the {self._kind} is closed")
            self._borrows += 1
            return self._pointer  # type: ignore[return-value]

    @contextmanager
    def borrow(self) -> Iterator[int]:
        pointer = self.acquire()
        try:
            yield pointer
        finally:
            self.release()

    def release(self) -> None:
        with self._lock:
            self._borrows -= 1
            pointer = self._take_if_unused()
        self._free_outside_lock(pointer)

    def close(self) -> None:
        """Idempotent; frees now, or when the calls in flight return."""
        with self._lock:
            self._closed = True
            pointer = self._take_if_unused()
        self._free_outside_lock(pointer)

    def _take_if_unused(self) -> Optional[int]:
        if self._closed and self._borrows == 0 and self._pointer is not None:
            pointer, self._pointer = self._pointer, None
            return pointer
        return None

    def _free_outside_lock(self, pointer: Optional[int]) -> None:
        # Outside the lock: freeing a client runs its pending callbacks on this thread.
        if pointer is not None:
            self._free(pointer)

    def __del__(self) -> None:
        # Reached only when no call holds a borrow (a borrow keeps the handle alive).
        try:
            self.close()
        except Exception:  # interpreter shutdown may have torn down what close() needs
            pass
