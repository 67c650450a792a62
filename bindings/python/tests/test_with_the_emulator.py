"""A test of your own against the emulator (docs/testing-with-the-emulator.md)."""

from __future__ import annotations

import pytest

import usertoken


def test_a_staff_member_logs_in(ut_emulator: str) -> None:
    with usertoken.Client(base_url=ut_emulator, api_key="test-api-key") as client:
        token = client.issue("jdoe", "s3cret!", site_id=-99)
        assert token.user is not None and token.user.type == "Staff"
        with pytest.raises(usertoken.DeniedError):
            client.issue("jdoe", "wrong password", site_id=-99)
