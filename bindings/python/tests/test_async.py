"""asyncio: client.aio.issue/renew/revoke, their errors, cancellation, a loop that is gone."""

from __future__ import annotations

import asyncio
import time

import pytest

import usertoken
from usertoken import aio
from support import STAFF, make_client, wait_for


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 30))


def test_issue_renew_revoke(client):
    async def main():
        token = await client.aio.issue(*STAFF)
        assert isinstance(token, usertoken.IssueResponse) and token.user.type == "Staff"
        renewed = await client.aio.renew(token.access_token)
        assert isinstance(renewed, usertoken.IssueResponse) and renewed.expires > token.expires
        assert await client.aio.revoke(renewed.access_token) == {}
        with pytest.raises(usertoken.DeniedError):
            await client.aio.renew(renewed.access_token)

    run(main())
    assert aio.pending_requests() == 0


def test_failures_come_through_the_future(client, emulator):
    emulator.fault(kind="status", status=503, count=3)

    async def main():
        with pytest.raises(usertoken.ServerError) as caught:
            await client.aio.issue(*STAFF)
        assert caught.value.attempts == 3
        with pytest.raises(usertoken.DeniedError) as caught:
            await client.aio.issue("jdoe", "nope")
        assert caught.value.code == "DeniedAccess"

    run(main())


def test_argument_errors(client, emulator):
    async def main():
        with pytest.raises(usertoken.InvalidArgumentError) as caught:
            await client.aio.issue("", "x")  # the library refuses it: a code, no document
        assert "ut_issue_async" in caught.value.message
        with pytest.raises(usertoken.InvalidArgumentError):
            await client.aio.renew("a\0b")
        with pytest.raises(usertoken.NullArgumentError):
            await client.aio.revoke(None)  # type: ignore[arg-type]

    run(main())
    assert emulator.requests() == [] and aio.pending_requests() == 0


def test_many_at_once(client, emulator):
    async def main():
        tokens = await asyncio.gather(*(client.aio.issue(*STAFF) for _ in range(200)))
        assert len({t.access_token for t in tokens}) == 200

    run(main())
    assert emulator.stats()["issue"] == 200


def test_cancelling_the_task_cancels_the_request(emulator):
    emulator.fault(kind="hang", call="issue")
    with make_client(emulator, timeout_ms=60_000) as client:
        async def main():
            task = asyncio.create_task(client.aio.issue(*STAFF))
            await asyncio.sleep(0)  # let the task start the request
            assert wait_for(lambda: emulator.stats()["issue"] == 1)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The library completes the cancelled request (UT_CANCELLED) on its own thread.
            while aio.pending_requests():
                await asyncio.sleep(0.01)
            assert time.monotonic() - started < 5
            assert (await client.aio.issue(*STAFF)).access_token  # the client goes on

        run(main())


def test_wait_for_cancels_on_timeout(emulator):
    emulator.fault(kind="hang", call="renew")
    with make_client(emulator, timeout_ms=60_000) as client:
        async def main():
            token = await client.aio.issue(*STAFF)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.aio.renew(token.access_token), 0.2)
            while aio.pending_requests():
                await asyncio.sleep(0.01)

        run(main())


def test_closing_the_client_ends_pending_requests(emulator):
    emulator.fault(kind="hang", count=5)
    client = make_client(emulator, timeout_ms=60_000)

    async def main():
        tasks = [asyncio.create_task(client.aio.issue(*STAFF)) for _ in range(5)]
        await asyncio.sleep(0)  # each task sends its request
        assert wait_for(lambda: emulator.stats()["issue"] == 5)
        client.close()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, usertoken.CancelledError) for r in results), results
        with pytest.raises(ValueError, match="closed"):
            await client.aio.issue(*STAFF)

    run(main())


def test_a_callback_after_the_loop_closed_is_dropped(emulator):
    emulator.fault(kind="delay", delay_ms=300)
    with make_client(emulator) as client:
        async def start():
            task = asyncio.create_task(client.aio.issue(*STAFF))
            await asyncio.sleep(0)  # sent; the loop ends before the answer comes
            return task

        loop = asyncio.new_event_loop()
        task = loop.run_until_complete(start())
        loop.close()
        assert not task.done()
        assert wait_for(lambda: aio.pending_requests() == 0)
        assert client.issue(*STAFF).access_token  # nothing broke


def test_each_call_is_a_coroutine(client):
    assert isinstance(asyncio.run(client.aio.issue(*STAFF)), usertoken.IssueResponse)
    with pytest.raises(usertoken.DeniedError):
        asyncio.run(client.aio.revoke("no-such-token"))
