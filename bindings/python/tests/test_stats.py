"""client.stats(): calls, requests (retries included) and failures per call, typed."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

import usertoken
from support import OWNER, STAFF, Emulator, make_client, wait_for

DAY = 86_400
NOTHING = usertoken.CallStats(calls=0, requests=0, failures={})


def test_a_new_client_has_done_nothing(client: usertoken.Client) -> None:
    stats = client.stats()
    assert isinstance(stats, usertoken.ClientStats)
    assert stats.issue == stats.renew == stats.revoke == NOTHING
    assert stats.requests == 0
    assert set(stats.raw) == {"issue", "renew", "revoke"}
    assert dataclasses.is_dataclass(stats) and dataclasses.is_dataclass(stats.issue)


def test_calls_and_requests_of_each_call(client: usertoken.Client, emulator: Emulator) -> None:
    token = client.issue(*STAFF, site_id=-99)
    client.renew(token.access_token, site_id=-99)
    client.renew(token.access_token, site_id=-99)
    client.revoke(token.access_token, site_id=-99)
    stats = client.stats()
    assert stats.issue == usertoken.CallStats(calls=1, requests=1, failures={})
    assert stats.renew == usertoken.CallStats(calls=2, requests=2, failures={})
    assert stats.revoke == usertoken.CallStats(calls=1, requests=1, failures={})
    assert stats.requests == 4 == emulator.stats()["requests"]


def test_requests_count_retries(client: usertoken.Client, emulator: Emulator) -> None:
    emulator.fault(kind="status", status=503, call="issue", count=1)
    client.issue(*STAFF, site_id=-99)  # the retry succeeds
    stats = client.stats()
    assert (stats.issue.calls, stats.issue.requests, stats.issue.failures) == (1, 2, {})
    assert stats.issue.requests == emulator.stats()["issue"]


def test_failures_by_result_name(client: usertoken.Client, emulator: Emulator) -> None:
    with pytest.raises(usertoken.DeniedError):
        client.issue(OWNER[0], "wrong", site_id=-99)
    emulator.fault(kind="status", status=503, call="issue", count=3)
    with pytest.raises(usertoken.ServerError):
        client.issue(*STAFF, site_id=-99)  # max_retries 2: three requests
    with pytest.raises(usertoken.DeniedError):
        client.revoke("no-such-token", site_id=-99)
    stats = client.stats()
    assert stats.issue == usertoken.CallStats(
        calls=2, requests=4, failures={"UT_DENIED": 1, "UT_SERVER_ERROR": 1})
    assert stats.issue.failed == 2
    assert stats.revoke == usertoken.CallStats(calls=1, requests=1, failures={"UT_DENIED": 1})
    assert stats.renew == NOTHING
    assert stats.requests == emulator.stats()["requests"] == 5


def test_argument_errors_are_not_calls(client: usertoken.Client, emulator: Emulator) -> None:
    with pytest.raises(usertoken.InvalidArgumentError):
        client.issue("", "x", site_id=-99)
    with pytest.raises(usertoken.InvalidArgumentError):
        client.renew("token", site_id="not a site")
    stats = client.stats()
    assert stats.issue == stats.renew == NOTHING
    assert emulator.requests() == []


def test_sessions_calls_are_counted(emulator: Emulator) -> None:
    with make_client(emulator, session_renew_margin_s=30 * DAY) as client:
        with client.session(*STAFF, site_id=-99) as session:
            session.token()  # every token() renews with this margin
            session.token()
            session.revoke()
            session.invalidate()
            session.token()
        stats = client.stats()
    assert (stats.issue.calls, stats.renew.calls, stats.revoke.calls) == (2, 2, 1)
    assert stats.requests == 5 == emulator.stats()["requests"]


def test_a_cancelled_async_call_is_counted_as_cancelled(emulator: Emulator) -> None:
    emulator.fault(kind="hang", call="issue")
    with make_client(emulator, timeout_ms=60_000) as client:
        async def main() -> None:
            task = asyncio.create_task(client.aio.issue(*STAFF, site_id=-99))
            await asyncio.sleep(0)
            assert wait_for(lambda: emulator.stats()["issue"] == 1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        asyncio.run(main())
        assert wait_for(lambda: client.stats().issue.failures == {"UT_CANCELLED": 1})
        assert (client.stats().issue.calls, client.stats().issue.requests) == (1, 1)


def test_each_client_counts_its_own(emulator: Emulator) -> None:
    with make_client(emulator) as first, make_client(emulator) as second:
        first.issue(*STAFF, site_id=-99)
        assert second.stats().issue == NOTHING
        assert first.stats().issue.calls == 1


def test_stats_of_a_closed_client_raise(emulator: Emulator) -> None:
    client = make_client(emulator)
    client.close()
    with pytest.raises(ValueError, match="closed"):
        client.stats()


def test_from_dict_tolerates_missing_and_extra_members() -> None:
    stats = usertoken.ClientStats.from_dict(
        {"issue": {"calls": 3, "requests": 4, "failures": {"UT_TIMEOUT": 1}, "later": 9}, "another_call": {}})
    assert stats.issue == usertoken.CallStats(calls=3, requests=4, failures={"UT_TIMEOUT": 1})
    assert stats.renew == stats.revoke == NOTHING
