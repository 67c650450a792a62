"""Typed views of the API's answers. Each keeps the parsed JSON as ``raw``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional

from .errors import DecodeError

# RFC 3339 date-time; the API sends UTC ("Z"), but an offset or none at all is read too.
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|z|[+-]\d{2}:?\d{2})?$"
)


def parse_expires(value: Any) -> Optional[datetime]:
    """An aware UTC datetime for an ``Expires`` value, or ``None`` when it is not one.

    A time without an offset is taken as UTC, as the API documents all its times in UTC.
    Fractions finer than a microsecond are cut off.
    """
    if not isinstance(value, str):
        return None
    if len(value) == 20 and value[19] == "Z":
        # The API's own form, "2026-01-02T03:04:05Z": the C parser is much faster than the
        # general one below, and this is on every call's path.
        try:
            return datetime.fromisoformat(value[:19]).replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    match = _DATE_TIME.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction, offset = match.group(7), match.group(8)
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        tz = timezone.utc
        if offset and offset not in ("Z", "z"):
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        moment = datetime(year, month, day, hour, minute, min(second, 59), micros, tzinfo=tz)
    except ValueError:
        return None
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class User:
    """The staff member a token was issued to."""

    id: Optional[int]
    first_name: Optional[str]
    last_name: Optional[str]
    #: ``"Staff"``, ``"Owner"`` or ``"Admin"``.
    type: Optional[str]
    raw: Dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, value: Dict[str, Any]) -> "User":
        """Reads the API's ``User`` object; a missing or mistyped field is ``None``. Raises nothing."""
        user_id = value.get("Id")
        return cls(
            id=user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None,
            first_name=_text(value.get("FirstName")),
            last_name=_text(value.get("LastName")),
            type=_text(value.get("Type")),
            raw=value,
        )


@dataclass(frozen=True)
class IssueResponse:
    """An issued token.

    ``access_token`` is what ``renew``/``revoke`` take as ``authorization``, bare (whether the
    API accepts ``f"Bearer {access_token}"`` is unknown). It is left out of ``repr`` so that it
    does not end up in logs.
    Fields the body lacks are ``None``; the library only guarantees ``AccessToken``.
    """

    access_token: str = field(repr=False)
    token_type: Optional[str]
    #: When the token stops working, as an aware UTC datetime.
    expires: Optional[datetime]
    user: Optional[User]
    raw: Dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, value: Dict[str, Any]) -> "IssueResponse":
        """Reads an issue answer; a missing or mistyped field other than ``AccessToken`` is ``None``.

        Raises:
            KeyError: ``value`` has no ``AccessToken`` (the library never hands out such an
                issue answer).
        """
        user = value.get("User")
        return cls(
            access_token=value["AccessToken"],
            token_type=_text(value.get("TokenType")),
            expires=parse_expires(value.get("Expires")),
            user=User.from_dict(user) if isinstance(user, dict) else None,
            raw=value,
        )

    @staticmethod
    def has_shape(value: Any) -> bool:
        """True for a JSON object with a string ``AccessToken``: the shape of an issue answer.
        Raises nothing."""
        return isinstance(value, dict) and isinstance(value.get("AccessToken"), str)


@dataclass(frozen=True)
class RenewResponse:
    """The answer to a renew.

    The API does not document it; in practice it has the issue answer's shape, and every
    field is read the same way. A field the answer lacks is ``None``: ``access_token`` is the
    token to use from now on when the answer carries one (it may differ from the renewed
    one), and ``None`` when it carries none (an empty answer), in which case the renewed
    token stays in use. ``access_token`` is left out of ``repr``.
    """

    access_token: Optional[str] = field(repr=False)
    token_type: Optional[str]
    #: The token's new expiry, as an aware UTC datetime.
    expires: Optional[datetime]
    user: Optional[User]
    raw: Dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, value: Dict[str, Any]) -> "RenewResponse":
        """Reads a renew answer; a missing or mistyped field is ``None``. Raises nothing."""
        user = value.get("User")
        return cls(
            access_token=_text(value.get("AccessToken")),
            token_type=_text(value.get("TokenType")),
            expires=parse_expires(value.get("Expires")),
            user=User.from_dict(user) if isinstance(user, dict) else None,
            raw=value,
        )


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


# Converters from the library's result text to what each call returns.


def issue_result(text: Optional[str]) -> IssueResponse:
    return IssueResponse.from_dict(json.loads(text or "{}"))


def renew_result(text: Optional[str]) -> RenewResponse:
    return RenewResponse.from_dict(_json_object(text, "renew"))


def revoke_result(text: Optional[str]) -> Dict[str, Any]:
    # Undocumented too; the API answers an empty body, which the library gives as {}.
    return _json_object(text, "revoke")


def _json_object(text: Optional[str], call: str) -> Dict[str, Any]:
    """The library has checked that the body is JSON; this binding also needs an object."""
    value = json.loads(text or "{}")
    if isinstance(value, dict):
        return value
    message = f"the {call} answer is JSON but not an object: {type(value).__name__}"
    raise DecodeError(message, document={"result": "UT_DECODE", "message": message,
                                         "http_status": None, "code": None, "attempts": None})
