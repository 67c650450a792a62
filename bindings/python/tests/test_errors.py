"""Every result code reaches its exception class, with the error document's fields."""

from __future__ import annotations

import pickle
import socket

import pytest

import usertoken
from usertoken import _native, errors
from support import SITE_ID, STAFF, make_client

CLASSES = {
    "UT_NULL_ARGUMENT": usertoken.NullArgumentError,
    "UT_INVALID_ARGUMENT": usertoken.InvalidArgumentError,
    "UT_INVALID_CONFIG": usertoken.InvalidConfigError,
    "UT_CONNECT": usertoken.ConnectError,
    "UT_TIMEOUT": usertoken.RequestTimeoutError,
    "UT_DENIED": usertoken.DeniedError,
    "UT_RATE_LIMITED": usertoken.RateLimitedError,
    "UT_SERVER_ERROR": usertoken.ServerError,
    "UT_HTTP_ERROR": usertoken.HttpError,
    "UT_DECODE": usertoken.DecodeError,
    "UT_CANCELLED": usertoken.CancelledError,
    "UT_NOT_FOUND": usertoken.NotFoundError,
    "UT_PANIC": usertoken.PanicError,
}


def test_the_mapping_follows_the_library_names():
    for code in range(1, 14):
        name = _native.result_name(code)
        error = errors.error_for(code, None)
        assert type(error) is CLASSES[name], name
        assert error.result == name and type(error).result_code == code
        assert isinstance(error, usertoken.UserTokenError)
    unknown = errors.error_for(1000, None)
    assert type(unknown) is usertoken.UserTokenError and unknown.result == "UT_UNKNOWN"


def test_panic_carries_its_document():
    # UT_PANIC cannot be provoked from outside; the mapping is what the binding owns.
    document = ('{"result":"UT_PANIC","message":"internal fault","http_status":null,'
                '"code":null,"attempts":0}')
    error = errors.error_for(errors.PANIC, document)
    assert isinstance(error, usertoken.PanicError)
    assert (error.message, error.http_status, error.code, error.attempts) == ("internal fault", None, None, 0)


def test_builtin_bases_where_they_fit():
    assert issubclass(usertoken.RequestTimeoutError, TimeoutError)
    assert issubclass(usertoken.ConnectError, ConnectionError)
    assert issubclass(usertoken.InvalidArgumentError, ValueError)
    import asyncio

    assert not issubclass(usertoken.CancelledError, asyncio.CancelledError)


def test_null_argument(client):
    with pytest.raises(usertoken.NullArgumentError) as caught:
        client.renew(None, site_id=SITE_ID)  # type: ignore[arg-type]
    assert caught.value.result == "UT_NULL_ARGUMENT" and "authorization" in caught.value.message


@pytest.mark.parametrize("call, parameter", [
    (lambda c: c.issue("", "x", site_id=SITE_ID), "username"),
    (lambda c: c.issue("jdoe", "x" * 5000, site_id=SITE_ID), "password"),
    (lambda c: c.issue("jdoe", "x", site_id="ninety-nine"), "site_id"),
    (lambda c: c.issue("jdoe", "x", version="v/6", site_id=SITE_ID), "version"),
    (lambda c: c.renew("token\r\nX-Evil: 1", site_id=SITE_ID), "authorization"),
    (lambda c: c.revoke("tökén", site_id=SITE_ID), "authorization"),
])
def test_invalid_argument(client, emulator, call, parameter):
    with pytest.raises(usertoken.InvalidArgumentError) as caught:
        call(client)
    error = caught.value
    assert parameter in error.message
    assert error.attempts == 0 and error.http_status is None
    assert set(error.document) == {"result", "message", "http_status", "code", "attempts"}
    assert emulator.requests() == []


def test_invalid_config(emulator, monkeypatch):
    monkeypatch.delenv("MINDBODY_API_KEY", raising=False)
    with pytest.raises(usertoken.InvalidConfigError) as caught:
        usertoken.Client(base_url=emulator.url)
    assert "api_key" in caught.value.message
    with pytest.raises(usertoken.InvalidConfigError) as caught:
        usertoken.Client(api_key="k", base_url="http://example.com")
    assert "allow_http" in caught.value.message


def test_connect_on_a_dropped_connection(emulator):
    emulator.fault(kind="drop", count=3)
    with make_client(emulator, max_retries=2) as client:
        with pytest.raises(usertoken.ConnectError) as caught:
            client.issue(*STAFF, site_id=SITE_ID)
    assert caught.value.attempts == 3 and caught.value.http_status is None


def test_connect_on_a_closed_port(emulator):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with make_client(emulator, base_url=f"http://127.0.0.1:{port}", max_retries=0) as client:
        with pytest.raises(usertoken.ConnectError):
            client.issue(*STAFF, site_id=SITE_ID)


def test_timeout(emulator):
    emulator.fault(kind="hang", count=2)
    with make_client(emulator, timeout_ms=200, max_retries=1) as client:
        with pytest.raises(usertoken.RequestTimeoutError) as caught:
            client.issue(*STAFF, site_id=SITE_ID)
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.result == "UT_TIMEOUT" and caught.value.attempts == 2


def test_denied_without_the_password_in_it(client):
    with pytest.raises(usertoken.DeniedError) as caught:
        client.issue("jdoe", "wrong-password-123", site_id=SITE_ID)
    error = caught.value
    assert (error.http_status, error.code, error.attempts) == (403, "DeniedAccess", 1)
    assert "wrong-password-123" not in str(error) and "wrong-password-123" not in repr(error.document)


def test_rate_limited_after_retries(emulator):
    emulator.fault(kind="status", status=429, count=3)
    with make_client(emulator, max_retries=2) as client:
        with pytest.raises(usertoken.RateLimitedError) as caught:
            client.issue(*STAFF, site_id=SITE_ID)
    assert (caught.value.http_status, caught.value.attempts) == (429, 3)


def test_server_error_after_retries(emulator):
    emulator.fault(kind="status", status=503, count=2)
    with make_client(emulator, max_retries=1) as client:
        with pytest.raises(usertoken.ServerError) as caught:
            client.issue(*STAFF, site_id=SITE_ID)
    assert (caught.value.http_status, caught.value.attempts) == (503, 2)


def test_server_error_is_retried_into_success(emulator):
    emulator.fault(kind="status", status=503, count=2)
    with make_client(emulator, max_retries=2) as client:
        assert client.issue(*STAFF, site_id=SITE_ID).access_token
    assert emulator.stats()["issue"] == 3


def test_http_error(client):
    with pytest.raises(usertoken.HttpError) as caught:
        client.issue(*STAFF, site_id=-12345)
    assert (caught.value.http_status, caught.value.code) == (400, "InvalidSiteId")


def test_decode_on_a_body_that_is_not_json(client, emulator):
    emulator.fault(kind="status", status=200, body="<html>not json</html>", content_type="text/html")
    with pytest.raises(usertoken.DecodeError) as caught:
        client.issue(*STAFF, site_id=SITE_ID)
    assert caught.value.attempts == 1


def test_decode_on_an_oversized_body(emulator):
    emulator.fault(kind="oversized", body_bytes=4097)
    with make_client(emulator, max_response_bytes=4096) as client:
        with pytest.raises(usertoken.DecodeError):
            client.issue(*STAFF, site_id=SITE_ID)


def test_cancelled_once_the_client_is_closed(emulator):
    client = make_client(emulator)
    session = client.session(*STAFF, site_id=SITE_ID)
    client.close()
    with pytest.raises(usertoken.CancelledError) as caught:
        session.revoke()
    assert caught.value.result == "UT_CANCELLED"
    session.close()


def test_not_found_for_an_unknown_request_id():
    # Only ut_cancel gives UT_NOT_FOUND; the asyncio layer treats it as "finished first".
    result = _native.lib.ut_cancel(2**64 - 1)
    assert isinstance(errors.error_for(result, None), usertoken.NotFoundError)


def test_errors_survive_pickling(client):
    with pytest.raises(usertoken.DeniedError) as caught:
        client.issue("jdoe", "nope", site_id=SITE_ID)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is usertoken.DeniedError
    assert (copy.result, copy.http_status, copy.code, copy.attempts, copy.message) == (
        caught.value.result, 403, "DeniedAccess", 1, caught.value.message)
    assert str(copy) == str(caught.value)


@pytest.mark.parametrize("fault, settings, expected, attempts", [
    (dict(kind="status", status=501), {}, usertoken.ServerError, 1),
    (dict(kind="status", status=408, count=3), {}, usertoken.HttpError, 3),
    (dict(kind="status", status=429, retry_after="3600"), {}, usertoken.RateLimitedError, 1),
    (dict(kind="redirect", location="http://127.0.0.1:1/elsewhere"), {}, usertoken.HttpError, 1),
    (dict(kind="drop_mid_body", count=3), {}, usertoken.ConnectError, 3),
    (dict(kind="trickle", interval_ms=100), dict(timeout_ms=300, max_retries=0), usertoken.RequestTimeoutError, 1),
], ids=["501", "408", "retry-after-too-long", "redirect", "drop-mid-body", "trickle"])
def test_more_faults_map_to_their_class(emulator, fault, settings, expected, attempts):
    emulator.fault(**fault)
    with make_client(emulator, **{"max_retries": 2, **settings}) as client:
        with pytest.raises(expected) as caught:
            client.issue(*STAFF, site_id=SITE_ID)
    assert type(caught.value) is expected and caught.value.attempts == attempts


def test_a_body_of_exactly_max_response_bytes_is_accepted(emulator):
    emulator.fault(kind="oversized", body_bytes=4096)
    with make_client(emulator, max_response_bytes=4096) as client:
        assert client.issue(*STAFF, site_id=SITE_ID).access_token


def test_str_says_each_fact_once() -> None:
    error = usertoken.DeniedError(
        "issue: HTTP 403: Staff identity authentication failed.", http_status=403, code="DeniedAccess", attempts=1
    )
    assert str(error).count("HTTP 403") == 1, str(error)
    assert "DeniedAccess" in str(error) and "1 attempt" in str(error)
    decode = usertoken.DecodeError("issue: the AccessToken in the response is empty", http_status=200, attempts=1)
    assert "HTTP 200" in str(decode), "a status the message does not name is added"
