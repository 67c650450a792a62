"""A pytest fixture that runs ut-emulator on a free port for the whole test session."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Iterator

import pytest


@pytest.fixture(scope="session")
def ut_emulator() -> Iterator[str]:
    """The base URL of a ut-emulator started for this session, e.g. http://127.0.0.1:40123."""
    binary = os.environ.get("UT_EMULATOR") or shutil.which("ut-emulator")
    if binary is None:
        pytest.fail("ut-emulator not found: install it (make install) or set UT_EMULATOR")
    process = subprocess.Popen([binary, "--bind", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()  # listening on http://127.0.0.1:PORT
        if not line.startswith("listening on "):
            raise RuntimeError(f"ut-emulator did not start; it said {line!r}")
        yield line[len("listening on "):]
    finally:
        process.terminate()
        process.wait(timeout=10)
