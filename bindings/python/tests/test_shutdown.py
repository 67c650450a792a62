"""Interpreter exit with clients left open: pending requests, logging on, calls in flight."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from support import API_KEY, BINDING, SITE_ID

SCRIPT = """
import asyncio, logging, os, threading, time, usertoken

logging.basicConfig(level=logging.DEBUG, stream=open(os.devnull, "w"))
usertoken.enable_logging(logging.DEBUG)
client = usertoken.Client(base_url={url!r}, api_key={api_key!r}, timeout_ms=60000)

async def main():
    tasks = [asyncio.create_task(client.aio.issue("jdoe", "s3cret!", site_id={site_id!r})) for _ in range(10)]
    await asyncio.sleep(0.1)
    return tasks

# Closed without cancelling the tasks: their requests stay pending in the library.
loop = asyncio.new_event_loop()
tasks = loop.run_until_complete(main())
loop.close()

def forever():
    while True:
        client.issue("jdoe", "s3cret!", site_id={site_id!r})  # until the client is closed at exit

for _ in range(4):
    threading.Thread(target=forever, daemon=True).start()
time.sleep(0.1)
print("exiting", flush=True)
"""


@pytest.mark.parametrize("hang", [False, True], ids=["answered", "hanging"])
def test_exit_with_everything_in_flight(emulator, hang):
    # Without the exit hook (usertoken/_shutdown.py), a log line or a completion arriving
    # during finalization aborts the process ("FATAL: exception not rethrown") in most runs.
    if hang:
        emulator.fault(kind="hang", call="issue", count=10)
    script = SCRIPT.format(url=emulator.url, api_key=API_KEY, site_id=SITE_ID)
    env = dict(os.environ, PYTHONPATH=str(BINDING))
    for _ in range(5):
        result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip() == "exiting"
