"""Shared by the tests: where things are, the emulator's control API, a client factory."""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parents[3]
BINDING = Path(__file__).resolve().parents[1]
EMULATOR = Path(os.environ.get("USERTOKEN_EMULATOR", ROOT / "target" / "release" / "ut-emulator"))
API_KEY = "test-api-key"
SITE_ID = -99
OWNER = ("Siteowner", "apitest1234")
STAFF = ("jdoe", "s3cret!")

if str(BINDING) not in sys.path:
    sys.path.insert(0, str(BINDING))  # the package as it is in this tree, whatever the cwd


class Emulator:
    """A running ut-emulator and its /_emulator/ control API (stdlib urllib only)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def control(self, method: str, path: str, body: Optional[Any] = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}/_emulator/{path}", data=data, method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
        return json.loads(text) if text else None

    def reset(self) -> None:
        self.control("POST", "reset")

    def fault(self, **fault: Any) -> None:
        """Queues a fault for the next ``count`` matching requests."""
        self.control("POST", "faults", fault)

    def advance(self, seconds: int) -> None:
        self.control("POST", "clock", {"advance_s": seconds})

    def requests(self) -> list:
        return self.control("GET", "requests")["requests"]

    def stats(self) -> dict:
        return self.control("GET", "stats")

    def tokens(self) -> list:
        return self.control("GET", "tokens")["tokens"]


def make_client(emulator: Emulator, **overrides: Any):  # type: ignore[no-untyped-def]
    import usertoken

    # Short backoffs keep retry tests fast; the retry logic itself is the library's.
    settings: dict = dict(base_url=emulator.url, api_key=API_KEY, retry_base_ms=1, retry_max_ms=20)
    settings.update(overrides)
    return usertoken.Client(**settings)


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
