"""await session.aio.token(): a session's token on the library's threads, cancellable."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from typing import Any, Coroutine, List, Tuple, TypeVar

import pytest

import usertoken
from usertoken import aio
from support import STAFF, Emulator, make_client, wait_for

T = TypeVar("T")

DAY = 86_400


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, 30))


def near_expiry(emulator: Emulator, seconds_left: int = 600) -> None:
    # Tokens live 24 h on the emulator's clock; set back, they come out expiring soon.
    emulator.advance(-(DAY - seconds_left))


def test_a_fresh_token_comes_without_a_request(client: usertoken.Client, emulator: Emulator) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        token = run(session.aio.token())
        assert isinstance(token, str) and token == session.token()
    assert emulator.stats()["requests"] == 1
    assert aio.pending_requests() == 0


def test_near_expiry_it_renews_once(client: usertoken.Client, emulator: Emulator) -> None:
    near_expiry(emulator)
    with client.session(*STAFF, site_id=-99) as session:
        async def main() -> Tuple[str, str]:
            return await session.aio.token(), await session.aio.token()

        renewed, again = run(main())
        assert renewed == again == session.token() == emulator.tokens()[-1]["token"]
    stats = emulator.stats()
    assert (stats["issue"], stats["renew"]) == (1, 1)


def test_async_and_blocking_callers_share_one_refresh(client: usertoken.Client, emulator: Emulator) -> None:
    near_expiry(emulator)
    emulator.fault(kind="delay", call="renew", delay_ms=300)
    with client.session(*STAFF, site_id=-99) as session:
        blocking: List[str] = []

        async def main() -> List[str]:
            tasks = [asyncio.create_task(session.aio.token()) for _ in range(8)]
            thread = threading.Thread(target=lambda: blocking.append(session.token()))
            thread.start()
            tokens = await asyncio.gather(*tasks)
            thread.join()
            return tokens

        tokens = run(main())
    assert len(set(tokens + blocking)) == 1 and len(tokens + blocking) == 9
    assert emulator.stats()["renew"] == 1


def test_the_loop_is_not_blocked_while_the_token_is_renewed(client: usertoken.Client, emulator: Emulator) -> None:
    near_expiry(emulator)
    emulator.fault(kind="delay", call="renew", delay_ms=500)
    with client.session(*STAFF, site_id=-99) as session:
        async def main() -> Tuple[int, str]:
            ticks = 0
            task = asyncio.create_task(session.aio.token())
            while not task.done():
                ticks += 1
                await asyncio.sleep(0.01)
            return ticks, await task

        ticks, token = run(main())
    assert token and ticks >= 10


def test_cancelling_the_task_cancels_the_request_and_the_refresh_goes_on(client: usertoken.Client, emulator: Emulator) -> None:
    near_expiry(emulator)
    emulator.fault(kind="delay", call="renew", delay_ms=1500)
    with client.session(*STAFF, site_id=-99) as session:
        async def main() -> float:
            task = asyncio.create_task(session.aio.token())
            await asyncio.sleep(0)  # the task starts the request
            assert wait_for(lambda: emulator.stats()["renew"] == 1)
            assert aio.pending_requests() == 1  # a request of the library's, not a thread's
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The library completes the cancelled request (UT_CANCELLED) at once, long before
            # the renewal's answer comes.
            while aio.pending_requests():
                await asyncio.sleep(0.01)
            return time.monotonic() - started

        assert run(main()) < 1.0
        # The renewal it started was not abandoned: the next caller gets its token.
        renewed = session.token()
    assert renewed == emulator.tokens()[-1]["token"]
    stats = emulator.stats()
    assert (stats["issue"], stats["renew"]) == (1, 1)


def test_wait_for_cancels_on_timeout(emulator: Emulator) -> None:
    near_expiry(emulator)
    emulator.fault(kind="hang", call="renew")
    with make_client(emulator, timeout_ms=2_000, max_retries=0) as client:
        with client.session(*STAFF, site_id=-99) as session:
            async def main() -> None:
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(session.aio.token(), 0.2)
                while aio.pending_requests():
                    await asyncio.sleep(0.01)

            run(main())
            assert client.stats().renew.calls == 1


def test_a_failure_comes_through_the_awaitable(emulator: Emulator) -> None:
    emulator.advance(-(DAY + 60))  # the session's token expired a minute ago: no fallback
    with make_client(emulator, max_retries=0) as client, client.session(*STAFF, site_id=-99) as session:
        emulator.fault(kind="status", status=503, count=5)
        with pytest.raises(usertoken.ServerError) as caught:
            run(session.aio.token())
        assert caught.value.http_status == 503
        assert caught.value.document["result"] == "UT_SERVER_ERROR"


def test_closing_the_client_ends_a_pending_token_with_cancelled_error(emulator: Emulator) -> None:
    near_expiry(emulator)
    emulator.fault(kind="hang", call="renew")
    client = make_client(emulator, timeout_ms=60_000)
    session = client.session(*STAFF, site_id=-99)

    async def main() -> None:
        task = asyncio.create_task(session.aio.token())
        await asyncio.sleep(0)
        assert wait_for(lambda: emulator.stats()["renew"] == 1)
        client.close()
        with pytest.raises(usertoken.CancelledError):
            await task

    run(main())
    session.close()
    assert wait_for(lambda: aio.pending_requests() == 0)


def test_closing_the_session_while_its_token_is_pending_frees_it_afterwards(client: usertoken.Client, emulator: Emulator) -> None:
    near_expiry(emulator)
    emulator.fault(kind="delay", call="renew", delay_ms=300)
    session = client.session(*STAFF, site_id=-99)

    async def main() -> str:
        task = asyncio.create_task(session.aio.token())
        await asyncio.sleep(0)
        assert wait_for(lambda: emulator.stats()["renew"] == 1)
        session.close()
        assert session.closed
        assert session._handle._pointer is not None  # still in the library's hands
        return await task

    assert run(main())  # the pending request was not cut short
    assert wait_for(lambda: session._handle._pointer is None)  # then freed
    with pytest.raises(ValueError, match="closed"):
        run(session.aio.token())


def test_a_session_whose_client_is_closed_raises_cancelled_error(emulator: Emulator) -> None:
    client = make_client(emulator)
    session = client.session(*STAFF, site_id=-99)
    client.close()
    with pytest.raises(usertoken.CancelledError) as blocking:
        session.token()
    with pytest.raises(usertoken.CancelledError, match="client is closed"):
        run(session.aio.token())
    assert blocking.value.result == "UT_CANCELLED"
    session.close()


def test_a_closed_session_raises_value_error(client: usertoken.Client) -> None:
    session = client.session(*STAFF, site_id=-99)
    session.close()
    with pytest.raises(ValueError, match="closed"):
        run(session.aio.token())
    assert aio.pending_requests() == 0


def test_a_pending_token_keeps_an_unreferenced_session_and_client_alive(emulator: Emulator) -> None:
    near_expiry(emulator)
    emulator.fault(kind="delay", call="renew", delay_ms=300)

    def start() -> Coroutine[Any, Any, str]:
        client: usertoken.Client = make_client(emulator)
        return client.session(*STAFF, site_id=-99).aio.token()

    async def main() -> str:
        task = asyncio.create_task(start())
        for _ in range(5):
            await asyncio.sleep(0.02)
            gc.collect()
        return await task

    assert run(main())
    assert emulator.stats()["renew"] == 1


def test_many_tokens_at_once(client: usertoken.Client, emulator: Emulator) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        async def main() -> List[str]:
            return await asyncio.gather(*(session.aio.token() for _ in range(200)))

        tokens = run(main())
    assert len(set(tokens)) == 1 and len(tokens) == 200
    assert emulator.stats()["requests"] == 1
    assert aio.pending_requests() == 0
