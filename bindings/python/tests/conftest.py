"""Fixtures: one ut-emulator for the whole run, its state reset before every test."""

from __future__ import annotations

import os
from typing import Any, Iterator, Optional

import pytest

from support import EMULATOR, Emulator, make_client

# Without the library or the emulator nothing here can run. In CI that is a failure; on a
# workstation every test is skipped, loudly.
_missing = []
try:
    import usertoken
except ImportError as error:
    if os.environ.get("CI") == "true":
        raise
    _missing.append(str(error))
if not EMULATOR.exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"the emulator {EMULATOR} is missing; run `make build` first")
    _missing.append(f"the emulator {EMULATOR} is missing")
if _missing:
    collect_ignore_glob = ["test_*.py"]


def pytest_report_header(config: Any) -> Optional[str]:
    if _missing:
        return "SKIPPED: every usertoken test (run `make build` first): " + "; ".join(_missing)
    return f"usertoken library: {usertoken.library_path}\nut-emulator: {EMULATOR}"


# The guide's fixture (docs/testing-with-the-emulator.md) starts the emulator for every test
# here, so the guide's code is what the suite runs; it finds the binary through UT_EMULATOR.
os.environ["UT_EMULATOR"] = str(EMULATOR)
from ut_emulator_fixture import ut_emulator  # noqa: E402,F401


@pytest.fixture(scope="session")
def emulator_process(ut_emulator: str) -> Emulator:
    return Emulator(ut_emulator)


@pytest.fixture
def emulator(emulator_process: Emulator) -> Emulator:
    emulator_process.reset()
    return emulator_process


@pytest.fixture
def client(emulator: Emulator) -> Iterator["usertoken.Client"]:
    with make_client(emulator) as client:
        yield client
