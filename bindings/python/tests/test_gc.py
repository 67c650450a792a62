"""Garbage collection: dropping the last reference to a client, calls in flight or not."""

from __future__ import annotations

import asyncio
import gc
import weakref

import usertoken
from usertoken import aio
from support import SITE_ID, STAFF, make_client, wait_for


def test_dropping_a_client_with_pending_async_calls(emulator):
    emulator.fault(kind="hang", count=4)

    async def main():
        client = make_client(emulator, timeout_ms=60_000)
        # Four hang, four complete normally (some may still be in flight when it goes).
        tasks = [asyncio.create_task(client.aio.issue(*STAFF, site_id=SITE_ID)) for _ in range(8)]
        await asyncio.sleep(0)  # each task sends its request
        assert wait_for(lambda: emulator.stats()["issue"] >= 4)
        alive = weakref.ref(client)
        del client
        gc.collect()
        assert alive() is None  # the pending requests do not keep it alive
        results = await asyncio.gather(*tasks, return_exceptions=True)
        cancelled = [r for r in results if isinstance(r, usertoken.CancelledError)]
        issued = [r for r in results if isinstance(r, usertoken.IssueResponse)]
        assert len(cancelled) + len(issued) == 8, results
        assert len(cancelled) >= 4

    asyncio.run(asyncio.wait_for(main(), 30))
    assert aio.pending_requests() == 0


def test_a_collected_client_in_a_reference_cycle(emulator):
    async def main():
        client = make_client(emulator)
        client.cycle = client  # only the cycle collector can free it
        task = asyncio.create_task(client.aio.issue(*STAFF, site_id=SITE_ID))
        await asyncio.sleep(0)
        del client
        gc.collect()
        result = await asyncio.gather(task, return_exceptions=True)
        assert isinstance(result[0], (usertoken.IssueResponse, usertoken.CancelledError))

    asyncio.run(asyncio.wait_for(main(), 30))


def test_collected_sessions_and_idle_clients(emulator):
    for _ in range(50):
        client = make_client(emulator)
        session = client.session(*STAFF, site_id=SITE_ID)
        session.token()
        del client, session
    gc.collect()
    assert emulator.stats()["issue"] == 50


def test_a_session_keeps_its_client_alive(emulator):
    session = make_client(emulator, session_renew_margin_s=30 * 86_400).session(*STAFF, site_id=SITE_ID)
    gc.collect()
    assert session.token()  # renews through the client nobody else holds
    assert emulator.stats()["renew"] == 1
    session.close()
