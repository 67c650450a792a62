"""multiprocessing with fork: a client made in the parent works in the children."""

from __future__ import annotations

import asyncio
import multiprocessing
import os

import pytest

from support import SITE_ID, STAFF, make_client

# Inherited by the forked children; a client cannot be pickled, and need not be.
_client = None


def issue_in_child(_: int):
    token = _client.issue(*STAFF, site_id=SITE_ID)  # type: ignore[union-attr]
    return os.getpid(), token.access_token


def issue_async_in_child(_: int):
    token = asyncio.run(_client.aio.issue(*STAFF, site_id=SITE_ID))  # type: ignore[union-attr]
    return os.getpid(), token.access_token


# The library supports fork() by contract (a fresh runtime in the child); Python 3.12+ warns
# about any fork of a process with threads.
pytestmark = [
    pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here"),
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


@pytest.mark.parametrize("call", [issue_in_child, issue_async_in_child], ids=["blocking", "asyncio"])
def test_a_parent_client_works_in_forked_children(emulator, call):
    global _client
    with make_client(emulator) as client:
        _client = client
        try:
            parent_token = client.issue(*STAFF, site_id=SITE_ID)  # the parent's runtime and pool are running
            asyncio.run(client.aio.issue(*STAFF, site_id=SITE_ID))  # and its async machinery
            with multiprocessing.get_context("fork").Pool(3) as pool:
                results = pool.map(call, range(9))
            assert all(pid != os.getpid() for pid, _ in results)
            assert len({token for _, token in results}) == 9
            assert client.renew(parent_token.access_token, site_id=SITE_ID).access_token  # parent unaffected
        finally:
            _client = None
    assert emulator.stats()["issue"] == 11


def test_a_failure_in_a_child_comes_back_as_its_exception(emulator):
    global _client
    import usertoken

    with make_client(emulator) as client:
        _client = client
        try:
            emulator.fault(kind="status", status=401,
                           body='{"Error":{"Message":"Invalid API key","Code":"DeniedAccess"}}')
            with multiprocessing.get_context("fork").Pool(1) as pool:
                with pytest.raises(usertoken.DeniedError) as caught:
                    pool.apply(issue_in_child, (0,))
            assert caught.value.code == "DeniedAccess" and caught.value.http_status == 401
        finally:
            _client = None
