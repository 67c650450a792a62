"""A session's token forgotten (invalidate), saved (export) and taken up again (restore)."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Tuple

import pytest

import usertoken
from support import API_KEY, BINDING, OWNER, STAFF, Emulator, make_client

DAY = 86_400
STATE_KEYS = {"access_token", "expires", "renewals", "version", "site_id", "username"}


def counts(emulator: Emulator) -> Tuple[int, int, int]:
    stats = emulator.stats()
    return stats["issue"], stats["renew"], stats["revoke"]


# invalidate


def test_invalidate_sends_nothing_and_the_next_token_is_a_new_one(client: usertoken.Client, emulator: Emulator) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        first = session.token()
        session.invalidate()
        assert counts(emulator) == (1, 0, 0)
        assert len(emulator.requests()) == 1
        second = session.token()
        assert second != first
        assert counts(emulator) == (2, 0, 0)
        assert session.token() == second  # and then kept, without requests
    assert counts(emulator) == (2, 0, 0)
    # Forgotten, not revoked: the API still knows the first token as live.
    revoked = {t["token"]: t["revoked"] for t in emulator.tokens()}
    assert revoked == {first: False, second: False}


def test_after_invalidate_concurrent_callers_share_one_issue(client: usertoken.Client, emulator: Emulator) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        first = session.token()
        session.invalidate()
        emulator.fault(kind="delay", call="issue", delay_ms=200)  # they all ask meanwhile
        tokens = []
        threads = [threading.Thread(target=lambda: tokens.append(session.token())) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(tokens) == 8 and len(set(tokens)) == 1 and first not in tokens
    assert counts(emulator) == (2, 0, 0)


def test_invalidate_of_a_closed_session_raises(client: usertoken.Client) -> None:
    session = client.session(*STAFF, site_id=-99)
    session.close()
    with pytest.raises(ValueError, match="closed"):
        session.invalidate()


# export


def test_export_holds_the_token_and_never_the_password(client: usertoken.Client, emulator: Emulator) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        text = session.export()
        token = session.token()
    state = json.loads(text)
    assert set(state) == STATE_KEYS
    assert state["access_token"] == token
    assert (state["version"], state["site_id"], state["username"], state["renewals"]) == ("6", "-99", "jdoe", 0)
    assert state["expires"] == emulator.tokens()[0]["expires"]
    assert STAFF[1] not in text
    assert counts(emulator) == (1, 0, 0)  # exporting sends nothing


def test_export_after_revoke_or_invalidate_issues_a_usable_token(client: usertoken.Client, emulator: Emulator) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        first = session.token()
        session.revoke()
        after_revoke = json.loads(session.export())["access_token"]
        session.invalidate()
        after_invalidate = json.loads(session.export())["access_token"]
        assert session.token() == after_invalidate
    assert len({first, after_revoke, after_invalidate}) == 3
    assert counts(emulator) == (3, 0, 1)


def test_export_of_a_closed_session_raises(client: usertoken.Client) -> None:
    session = client.session(*STAFF, site_id=-99)
    session.close()
    with pytest.raises(ValueError, match="closed"):
        session.export()


# restore


def test_restore_in_a_new_client_sends_nothing_while_the_token_is_valid(client: usertoken.Client, emulator: Emulator) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        state = session.export()
        token = session.token()
    with make_client(emulator) as other:
        with other.restore_session(*STAFF, state, site_id=-99) as restored:
            assert isinstance(restored, usertoken.Session)
            assert restored.token() == token
            assert restored.token() == token
        assert other.stats().requests == 0
    assert counts(emulator) == (1, 0, 0)
    assert len(emulator.requests()) == 1


def test_restore_in_another_process(client: usertoken.Client, emulator: Emulator, tmp_path: Path) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        token = session.token()
        state_file = tmp_path / "state.json"
        state_file.write_text(session.export())
    os.chmod(state_file, 0o600)
    code = (
        "import sys, usertoken\n"
        "state = open(sys.argv[1]).read()\n"
        "with usertoken.Client() as client:\n"
        "    session = client.restore_session('jdoe', 's3cret!', state, site_id=-99)\n"
        "    print(session.token())\n"
        "    print(client.stats().requests)\n"
    )
    env = dict(os.environ, MINDBODY_BASE_URL=emulator.url, MINDBODY_API_KEY=API_KEY, PYTHONPATH=str(BINDING))
    result = subprocess.run([sys.executable, "-c", code, str(state_file)], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [token, "0"]
    assert counts(emulator) == (1, 0, 0)


def test_a_restored_session_renews_when_it_must_and_keeps_counting_renewals(emulator: Emulator) -> None:
    # With a margin longer than any token's life, every token() call refreshes.
    with make_client(emulator, session_renew_margin_s=30 * DAY) as client:
        with client.session(*STAFF, site_id=-99) as session:
            for _ in range(3):
                session.token()
            state = session.export()
    assert json.loads(state)["renewals"] == 3
    assert counts(emulator) == (1, 3, 0)
    with make_client(emulator, session_renew_margin_s=30 * DAY) as other:
        with other.restore_session(*STAFF, state, site_id=-99) as restored:
            assert counts(emulator) == (1, 3, 0)
            for renewals in range(4, 8):
                restored.token()
                assert counts(emulator) == (1, renewals, 0)
            restored.token()  # an eighth renewal is not allowed: a new token
    assert counts(emulator) == (2, 7, 0)


@pytest.mark.parametrize("login", ["username", "version", "site_id"])
def test_restore_issues_when_the_state_is_of_another_login(client: usertoken.Client, emulator: Emulator, login: str) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        token = session.token()
        state = json.loads(session.export())
    credentials, version = STAFF, "6"
    if login == "username":
        credentials = OWNER
    elif login == "version":
        version = "7"
    else:
        # The emulator knows one site; the state says it was saved for another.
        state["site_id"] = "12345"
    with make_client(emulator) as other:
        with other.restore_session(*credentials, json.dumps(state), site_id=-99, version=version) as restored:
            assert restored.token() != token
        assert (other.stats().issue.calls, other.stats().requests) == (1, 1)
    assert counts(emulator) == (2, 0, 0)
    issue = emulator.requests()[-1]
    assert issue["path"] == f"/public/v{version}/usertoken/issue"
    assert json.loads(issue["body"])["Username"] == credentials[0]


def test_restore_issues_when_the_saved_token_has_expired(emulator: Emulator) -> None:
    # A state saved long ago: its token has expired. (export() itself never writes an expired
    # token: it would refresh it first.)
    with make_client(emulator) as client:
        with client.session(*STAFF, site_id=-99) as session:
            saved = json.loads(session.export())
        saved["expires"] = "2001-01-01T00:00:00Z"
        state = json.dumps(saved)
        with client.restore_session(*STAFF, state, site_id=-99) as restored:
            assert restored.token() != json.loads(state)["access_token"]
    assert counts(emulator) == (2, 0, 0)


def test_a_restored_token_near_its_expiry_is_renewed_on_first_use(client: usertoken.Client, emulator: Emulator) -> None:
    emulator.advance(-(DAY - 600))  # ten minutes left, inside the default one-hour margin
    with client.session(*STAFF, site_id=-99) as session:
        state = session.export()
    with client.restore_session(*STAFF, state, site_id=-99) as restored:
        assert counts(emulator) == (1, 0, 0)
        restored.token()
    assert counts(emulator) == (1, 1, 0)


def test_restore_returns_the_failure_of_the_issue_it_needed(client: usertoken.Client, emulator: Emulator) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        state = session.export()
    with pytest.raises(usertoken.DeniedError) as caught:
        client.restore_session(OWNER[0], "wrong", state, site_id=-99)
    assert caught.value.attempts == 1
    assert counts(emulator) == (2, 0, 0)


@pytest.mark.parametrize("state", [
    "",
    "not json",
    "[]",
    "{}",
    '{"access_token": "x"}',
])
def test_a_malformed_state_is_an_invalid_argument_and_sends_nothing(client: usertoken.Client, emulator: Emulator, state: str) -> None:
    with pytest.raises(usertoken.InvalidArgumentError) as caught:
        client.restore_session(*STAFF, state, site_id=-99)
    assert "state" in caught.value.message
    assert emulator.requests() == []


def test_a_state_with_an_unknown_key_or_too_many_renewals_is_refused(client: usertoken.Client, emulator: Emulator) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        state = json.loads(session.export())
    for broken in (dict(state, extra=1), dict(state, renewals=8), dict(state, expires="tomorrow")):
        with pytest.raises(usertoken.InvalidArgumentError, match="state"):
            client.restore_session(*STAFF, json.dumps(broken), site_id=-99)
    with pytest.raises(usertoken.InvalidArgumentError, match="state"):
        client.restore_session(*STAFF, "{" + " " * 70_000 + "}", site_id=-99)
    with pytest.raises(usertoken.NullArgumentError):
        client.restore_session(*STAFF, None, site_id=-99)  # type: ignore[arg-type]
    assert len(emulator.requests()) == 1


def test_restore_has_no_default_site() -> None:
    site_id = inspect.signature(usertoken.Client.restore_session).parameters["site_id"]
    assert site_id.kind is inspect.Parameter.KEYWORD_ONLY
    assert site_id.default is inspect.Parameter.empty


def test_restore_without_a_site_is_a_type_error(client: usertoken.Client, emulator: Emulator) -> None:
    with client.session(*STAFF, site_id=-99) as session:
        state = session.export()
    with pytest.raises(TypeError, match="site_id"):
        client.restore_session(*STAFF, state)  # type: ignore[call-arg]
    assert len(emulator.requests()) == 1


def test_restore_on_a_closed_client_raises(emulator: Emulator) -> None:
    client = make_client(emulator)
    client.close()
    with pytest.raises(ValueError, match="closed"):
        client.restore_session(*STAFF, "{}", site_id=-99)
