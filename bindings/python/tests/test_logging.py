"""The library's log lines reach the standard logger "usertoken", without secrets."""

from __future__ import annotations

import logging

import pytest

import usertoken
from support import API_KEY, SITE_ID, STAFF, make_client, wait_for


@pytest.fixture
def records(caplog):
    caplog.set_level(usertoken.TRACE, logger="usertoken")
    yield caplog
    usertoken.disable_logging()


def lines(caplog, level=None):
    return [r.getMessage() for r in caplog.records
            if r.name == "usertoken" and (level is None or r.levelno == level)]


def test_lines_are_forwarded_at_their_levels(emulator, records):
    usertoken.enable_logging(logging.DEBUG)
    emulator.fault(kind="status", status=503)
    with make_client(emulator, max_retries=1) as client:
        client.issue(*STAFF, site_id=SITE_ID)
        with pytest.raises(usertoken.DeniedError):
            client.issue("jdoe", "wrong", site_id=SITE_ID)
    assert wait_for(lambda: lines(records, logging.ERROR))
    assert lines(records, logging.DEBUG), "one line per attempt"
    assert lines(records, logging.WARNING), "one line per retry"
    assert lines(records, logging.INFO), "one line per success"
    assert all(r.levelno >= logging.DEBUG for r in records.records if r.name == "usertoken")


def test_no_secret_in_any_line(emulator, records):
    usertoken.enable_logging(usertoken.TRACE)
    with make_client(emulator) as client:
        token = client.issue(*STAFF, site_id=SITE_ID)
        client.renew(token.access_token, site_id=SITE_ID)
        with client.session("jdoe", "s3cret!", site_id=SITE_ID) as session:
            session.revoke()
    assert wait_for(lambda: len(lines(records)) >= 4)
    text = "\n".join(lines(records))
    for secret in ("s3cret!", API_KEY, token.access_token):
        assert secret not in text


def test_the_level_filters_in_the_library(emulator, records):
    usertoken.enable_logging(logging.ERROR)
    with make_client(emulator) as client:
        client.issue(*STAFF, site_id=SITE_ID)
        with pytest.raises(usertoken.DeniedError):
            client.issue("jdoe", "wrong", site_id=SITE_ID)
    assert wait_for(lambda: lines(records))
    assert {r.levelno for r in records.records if r.name == "usertoken"} == {logging.ERROR}


def test_disabled_means_silent(emulator, records):
    usertoken.enable_logging()
    usertoken.disable_logging()
    with make_client(emulator) as client:
        client.issue(*STAFF, site_id=SITE_ID)
    assert lines(records) == []
