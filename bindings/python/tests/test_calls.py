"""The blocking calls: issue, renew, revoke, their typed results, arguments and configuration."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

import usertoken
from usertoken.models import parse_expires
from support import API_KEY, OWNER, SITE_ID, STAFF, make_client


def test_issue_gives_a_typed_response(client, emulator):
    before = datetime.now(timezone.utc)
    token = client.issue(*STAFF, site_id=SITE_ID)
    assert isinstance(token, usertoken.IssueResponse)
    assert token.token_type == "Bearer"
    assert token.access_token and token.access_token == token.raw["AccessToken"]
    assert token.expires.tzinfo is timezone.utc
    assert timedelta(hours=23, minutes=59) < token.expires - before < timedelta(hours=24, minutes=1)
    assert token.user == usertoken.User(id=100000123, first_name="Jane", last_name="Doe", type="Staff", raw={})
    assert token.user.raw == token.raw["User"]
    owner = client.issue(*OWNER, site_id=SITE_ID)
    assert (owner.user.id, owner.user.type) == (0, "Owner")


def test_the_access_token_stays_out_of_repr(client):
    token = client.issue(*STAFF, site_id=SITE_ID)
    assert token.access_token not in repr(token)
    assert "Jane" in repr(token)


def test_issue_sends_the_documented_request(emulator):
    with make_client(emulator, user_agent="usertoken-tests/1") as client:
        client.issue(*STAFF, site_id=-99)  # an int site id reads naturally
    (request,) = emulator.requests()
    headers = {name: value for name, value in request["headers"]}
    assert (request["method"], request["path"]) == ("POST", "/public/v6/usertoken/issue")
    assert headers["api-key"] == API_KEY
    assert headers["siteid"] == "-99"
    assert headers["user-agent"] == "usertoken-tests/1"
    assert json.loads(request["body"]) == {"Username": "jdoe", "Password": "s3cret!"}


def test_credentials_reach_the_server_byte_exact(client, emulator):
    username = 'quote" back\\slash \x01 tab\t émoji 🎟'
    password = "p\u00e4ss\nword 🔑"
    with pytest.raises(usertoken.DeniedError):
        client.issue(username, password, site_id=SITE_ID)
    (request,) = emulator.requests()
    assert json.loads(request["body"]) == {"Username": username, "Password": password}


def test_renew_extends_the_token_by_a_day(client, emulator):
    token = client.issue(*STAFF, site_id=SITE_ID)
    renewed = client.renew(token.access_token, site_id=SITE_ID)
    assert isinstance(renewed, usertoken.RenewResponse)
    assert renewed.expires - token.expires == timedelta(hours=24)
    # The emulator answers a new token, as the API may.
    assert renewed.access_token and renewed.access_token == renewed.raw["AccessToken"]
    assert renewed.access_token != token.access_token  # a new token, the one to use from now on
    assert renewed.access_token not in repr(renewed)
    assert renewed.user == token.user


def test_authorization_is_sent_exactly_as_given(client, emulator):
    # "Bearer <token>" is passed through untouched (the emulator takes it; the API may not).
    token = client.issue(*STAFF, site_id=SITE_ID)
    renewed = client.renew(f"Bearer {token.access_token}", site_id=SITE_ID)
    assert isinstance(renewed, usertoken.RenewResponse) and renewed.access_token
    assert client.revoke(f"Bearer {renewed.access_token}", site_id=SITE_ID) == {}
    sent = [dict(r["headers"])["authorization"] for r in emulator.requests()[1:]]
    assert sent == [f"Bearer {token.access_token}", f"Bearer {renewed.access_token}"]


def test_renew_of_another_shape_gives_none_for_what_it_lacks(client, emulator):
    token = client.issue(*STAFF, site_id=SITE_ID)
    emulator.fault(kind="status", call="renew", status=200, body='{"Renewed": true}',
                   content_type="application/json")
    renewed = client.renew(token.access_token, site_id=SITE_ID)
    assert (renewed.access_token, renewed.token_type, renewed.expires, renewed.user) == (None,) * 4
    assert renewed.raw == {"Renewed": True}
    emulator.fault(kind="status", call="renew", status=204, body="")
    assert client.renew(token.access_token, site_id=SITE_ID).raw == {}


@pytest.mark.parametrize("call", ["renew", "revoke"])
def test_a_renew_or_revoke_answer_that_is_not_an_object_is_a_decode_error(client, emulator, call):
    token = client.issue(*STAFF, site_id=SITE_ID)
    emulator.fault(kind="status", call=call, status=200, body="[1, 2]", content_type="application/json")
    with pytest.raises(usertoken.DecodeError) as caught:
        getattr(client, call)(token.access_token, site_id=SITE_ID)
    assert "not an object" in caught.value.message and caught.value.result == "UT_DECODE"


def test_site_id_is_required(client, emulator):
    token = client.issue(*STAFF, site_id=SITE_ID)
    calls = [lambda: client.issue(*STAFF), lambda: client.renew(token.access_token),
             lambda: client.revoke(token.access_token), lambda: client.session(*STAFF),
             lambda: client.aio.issue(*STAFF), lambda: client.aio.renew(token.access_token),
             lambda: client.aio.revoke(token.access_token)]
    for call in calls:
        with pytest.raises(TypeError, match="site_id"):
            call()  # type: ignore[call-arg]
    assert len(emulator.requests()) == 1


def test_revoke_ends_the_token(client):
    token = client.issue(*STAFF, site_id=SITE_ID)
    assert client.revoke(token.access_token, site_id=SITE_ID) == {}
    with pytest.raises(usertoken.DeniedError):
        client.renew(token.access_token, site_id=SITE_ID)


def test_site_and_version_are_passed_through(client, emulator):
    with pytest.raises(usertoken.HttpError) as caught:
        client.issue(*STAFF, site_id="-12345", version="6")
    assert caught.value.code == "InvalidSiteId"
    assert dict(emulator.requests()[0]["headers"])["siteid"] == "-12345"


def test_an_embedded_nul_is_refused_before_any_request(client, emulator):
    for call in (lambda: client.issue("jd\0oe", "x", site_id=SITE_ID),
                 lambda: client.issue("jdoe", "s3cret!\0", site_id=SITE_ID),
                 lambda: client.renew("tok\0en", site_id=SITE_ID), lambda: client.revoke("t", site_id="-9\x009")):
        with pytest.raises(usertoken.InvalidArgumentError) as caught:
            call()
        assert isinstance(caught.value, ValueError)
        assert "NUL" in caught.value.message and caught.value.attempts == 0
    assert emulator.requests() == []


def test_none_becomes_null_and_the_library_names_it(client, emulator):
    with pytest.raises(usertoken.NullArgumentError) as caught:
        client.issue(None, "x", site_id=SITE_ID)  # type: ignore[arg-type]
    assert "username" in caught.value.message
    with pytest.raises(TypeError):
        client.issue(42.0, "x", site_id=SITE_ID)  # type: ignore[arg-type]
    assert emulator.requests() == []


def test_bytes_arguments_are_passed_as_they_are(client, emulator):
    assert client.issue(b"jdoe", b"s3cret!", site_id=SITE_ID).user.id == 100000123
    with pytest.raises(usertoken.InvalidArgumentError):
        client.issue(b"\xff\xfe", b"x", site_id=SITE_ID)  # not UTF-8: the library's check, not ours
    with pytest.raises(usertoken.InvalidArgumentError):
        client.issue("\udc80", "x", site_id=SITE_ID)  # a lone surrogate is not UTF-8 either
    assert len(emulator.requests()) == 1


def test_only_given_settings_are_sent_so_the_environment_applies(emulator, monkeypatch):
    monkeypatch.setenv("MINDBODY_BASE_URL", emulator.url)
    monkeypatch.setenv("MINDBODY_API_KEY", API_KEY)
    with usertoken.Client() as client:
        assert client.issue(*STAFF, site_id=SITE_ID).user.type == "Staff"
    with usertoken.Client(api_key="another-key") as client:  # given beats the environment
        with pytest.raises(usertoken.DeniedError) as caught:
            client.issue(*STAFF, site_id=SITE_ID)
    assert "Invalid API key" in caught.value.message


def test_every_config_key_is_accepted(emulator, tmp_path):
    settings = dict(
        base_url=emulator.url, api_key=API_KEY, timeout_ms=5000, connect_timeout_ms=1000,
        max_retries=1, retry_base_ms=10, retry_max_ms=100, user_agent="ua/1", proxy=None,
        ca_file=None, allow_http=True, max_response_bytes=65536, worker_threads=3,
        session_renew_margin_s=60,
    )
    from usertoken._config import KEYS

    assert set(settings) == set(KEYS)
    with usertoken.Client(**settings) as client:
        assert client.issue(*STAFF, site_id=SITE_ID).access_token


def test_a_bad_setting_is_named(emulator, tmp_path):
    with pytest.raises(usertoken.InvalidConfigError) as caught:
        make_client(emulator, max_retries=99)
    assert "max_retries" in caught.value.message
    with pytest.raises(usertoken.InvalidConfigError) as caught:
        make_client(emulator, timeout_ms="fast")  # type: ignore[arg-type]
    assert "timeout_ms" in caught.value.message
    with pytest.raises(usertoken.InvalidConfigError) as caught:
        make_client(emulator, ca_file=tmp_path / "absent.pem")
    assert "ca_file" in caught.value.message


def test_close_is_idempotent_and_final(emulator):
    client = make_client(emulator)
    with client:
        client.issue(*STAFF, site_id=SITE_ID)
    assert client.closed
    client.close()
    client.close()
    with pytest.raises(ValueError, match="closed"):
        client.issue(*STAFF, site_id=SITE_ID)


@pytest.mark.parametrize("text, expected", [
    ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
    ("2026-01-02T03:04:05.1234567Z", datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)),
    ("2026-01-02T03:04:05", datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
    ("2026-01-02T05:04:05+02:00", datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
    ("yesterday", None),
    (12345, None),
])
def test_expires_is_read_as_aware_utc(text, expected):
    assert parse_expires(text) == expected
