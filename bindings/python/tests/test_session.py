"""Sessions: a token kept valid, driven through its life with the emulator's clock."""

from __future__ import annotations

import threading

import pytest

import usertoken
from support import OWNER, SITE_ID, STAFF, make_client

DAY = 86_400


def near_expiry(emulator, seconds_left: int = 600) -> None:
    # Tokens live 24 h on the emulator's clock; set back, they come out expiring soon in
    # real time, which is what the library measures against.
    emulator.advance(-(DAY - seconds_left))


def test_a_fresh_token_is_reused_without_requests(client, emulator):
    with client.session(*STAFF, site_id=SITE_ID) as session:
        first = session.token()
        assert session.token() == first
    assert emulator.stats()["issue"] == 1 and emulator.stats()["renew"] == 0
    assert session.closed


def test_near_expiry_the_token_is_renewed_once(client, emulator):
    near_expiry(emulator)
    with client.session(*STAFF, site_id=SITE_ID) as session:
        session.token()
        session.token()
    stats = emulator.stats()
    assert (stats["issue"], stats["renew"]) == (1, 1)


def test_seven_renewals_then_a_new_token(emulator):
    # With a margin longer than any token's life, every token() call refreshes.
    with make_client(emulator, session_renew_margin_s=30 * DAY) as client:
        with client.session(*OWNER, site_id=SITE_ID) as session:
            for renewals in range(1, 8):
                session.token()
                assert emulator.stats()["renew"] == renewals
            assert emulator.stats()["issue"] == 1
            session.token()
    stats = emulator.stats()
    assert (stats["issue"], stats["renew"]) == (2, 7)


def test_a_denied_renew_issues_a_new_token(client, emulator):
    near_expiry(emulator)
    with client.session(*STAFF, site_id=SITE_ID) as session:
        # Revoked behind the session's back (read from the emulator: token() would renew it).
        (issued,) = [t["token"] for t in emulator.tokens()]
        client.revoke(issued, site_id=SITE_ID)
        token = session.token()
    stats = emulator.stats()
    assert (stats["issue"], stats["renew"]) == (2, 1)
    assert token == emulator.tokens()[1]["token"]


def test_a_failed_refresh_keeps_the_unexpired_token(emulator):
    near_expiry(emulator)
    with make_client(emulator, max_retries=0) as client, client.session(*STAFF, site_id=SITE_ID) as session:
        (current,) = [t["token"] for t in emulator.tokens()]
        emulator.fault(kind="status", status=503, count=10)
        assert session.token() == current


def test_revoke_then_a_fresh_token(client, emulator):
    with client.session(*STAFF, site_id=SITE_ID) as session:
        first = session.token()
        assert session.revoke() == {}
        second = session.token()
    assert first != second
    revoked = {t["token"]: t["revoked"] for t in emulator.tokens()}
    assert revoked == {first: True, second: False}


def test_concurrent_callers_share_one_refresh(client, emulator):
    near_expiry(emulator)
    with client.session(*STAFF, site_id=SITE_ID) as session:
        tokens = []
        threads = [threading.Thread(target=lambda: tokens.append(session.token())) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(set(tokens)) == 1 and len(tokens) == 8
    assert emulator.stats()["renew"] == 1


def test_bad_credentials_fail_at_once(client):
    with pytest.raises(usertoken.DeniedError):
        client.session("jdoe", "wrong", site_id=SITE_ID)


def test_closing_sends_nothing_and_is_final(client, emulator):
    session = client.session(*STAFF, site_id=SITE_ID)
    session.close()
    session.close()
    assert emulator.stats()["revoke"] == 0
    with pytest.raises(ValueError, match="closed"):
        session.token()
