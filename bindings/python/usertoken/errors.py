"""The exception hierarchy: one class per ``ut_result`` code, built from the error document.

Every failure the library reports comes with an error document
``{"result","message","http_status","code","attempts"}``; its five keys become the
attributes of the exception. The document never holds a password, a token or the API key.
"""

from __future__ import annotations

import builtins
import json
from typing import Any, ClassVar, Dict, Optional, Tuple, Type

from ._native import result_name

# The values are fixed forever by the C ABI (new ones are only appended).
OK = 0
NULL_ARGUMENT = 1
INVALID_ARGUMENT = 2
INVALID_CONFIG = 3
CONNECT = 4
TIMEOUT = 5
DENIED = 6
RATE_LIMITED = 7
SERVER_ERROR = 8
HTTP_ERROR = 9
DECODE = 10
CANCELLED = 11
NOT_FOUND = 12
PANIC = 13


class UserTokenError(Exception):
    """A call failed. ``result`` is the C result name, e.g. ``"UT_DENIED"``.

    ``http_status`` and ``code`` (the API's ``Error.Code``) are ``None`` when no HTTP answer
    applies; ``attempts`` counts every try (0 when nothing was sent); ``document`` is the
    whole error document as a dict.
    """

    result_code: ClassVar[Optional[int]] = None

    def __init__(
        self,
        message: str,
        *,
        result: Optional[str] = None,
        http_status: Optional[int] = None,
        code: Optional[str] = None,
        attempts: Optional[int] = None,
        document: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.result = result or (result_name(self.result_code) if self.result_code is not None else "UT_UNKNOWN")
        self.http_status = http_status
        self.code = code
        self.attempts = attempts
        self.document = document if document is not None else {}

    def __str__(self) -> str:
        # Each fact once: the library's message already names the status of most answers.
        status = f"HTTP {self.http_status}"
        detail = [status] if self.http_status is not None and status not in self.message else []
        if self.code:
            detail.append(self.code)
        if self.attempts:
            detail.append(f"{self.attempts} attempt{'s' if self.attempts != 1 else ''}")
        suffix = f" ({', '.join(detail)})" if detail else ""
        return f"{self.result}: {self.message}{suffix}"

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        # Keyword-only arguments do not survive the default pickling (multiprocessing needs it).
        return (_rebuild, (type(self), self.message, self.document, self.result,
                           self.http_status, self.code, self.attempts))


def _rebuild(cls: Type["UserTokenError"], message: str, document: Dict[str, Any], result: str,
             http_status: Optional[int], code: Optional[str], attempts: Optional[int]) -> "UserTokenError":
    return cls(message, result=result, http_status=http_status, code=code,
               attempts=attempts, document=document)


class NullArgumentError(UserTokenError):
    """``UT_NULL_ARGUMENT``: a required argument was ``None``."""

    result_code = NULL_ARGUMENT


class InvalidArgumentError(UserTokenError, ValueError):
    """``UT_INVALID_ARGUMENT``: a string was empty, too long, not UTF-8 or held a forbidden
    character (an embedded NUL is caught before the library is called)."""

    result_code = INVALID_ARGUMENT


class InvalidConfigError(UserTokenError):
    """``UT_INVALID_CONFIG``: an unknown key, a wrong type or an out-of-range value, no API
    key at all, an unreadable ``ca_file``, or plain ``http://`` to a host that is not loopback."""

    result_code = INVALID_CONFIG


class ConnectError(UserTokenError, ConnectionError):
    """``UT_CONNECT``: DNS, connection or TLS failure, or the connection dropped early."""

    result_code = CONNECT


class RequestTimeoutError(UserTokenError, builtins.TimeoutError):
    """``UT_TIMEOUT``: no full response within ``timeout_ms``. Also a builtin ``TimeoutError``."""

    result_code = TIMEOUT


class DeniedError(UserTokenError):
    """``UT_DENIED``: HTTP 401 or 403 (wrong API key, credentials or token)."""

    result_code = DENIED


class RateLimitedError(UserTokenError):
    """``UT_RATE_LIMITED``: HTTP 429, after the configured retries."""

    result_code = RATE_LIMITED


class ServerError(UserTokenError):
    """``UT_SERVER_ERROR``: HTTP 5xx, after the configured retries."""

    result_code = SERVER_ERROR


class HttpError(UserTokenError):
    """``UT_HTTP_ERROR``: any other non-2xx status, redirects included."""

    result_code = HTTP_ERROR


class DecodeError(UserTokenError):
    """``UT_DECODE``: a 2xx body that is not the expected JSON, or larger than
    ``max_response_bytes``."""

    result_code = DECODE


class CancelledError(UserTokenError):
    """``UT_CANCELLED``: the request's client was closed (or the request cancelled) before it
    completed. Not :class:`asyncio.CancelledError`: cancelling an awaiting task raises that one."""

    result_code = CANCELLED


class NotFoundError(UserTokenError):
    """``UT_NOT_FOUND``: no pending request has that id."""

    result_code = NOT_FOUND


class PanicError(UserTokenError):
    """``UT_PANIC``: the library caught an internal fault; the process goes on."""

    result_code = PANIC


ERRORS: Dict[int, Type[UserTokenError]] = {
    cls.result_code: cls
    for cls in (
        NullArgumentError, InvalidArgumentError, InvalidConfigError, ConnectError,
        RequestTimeoutError, DeniedError, RateLimitedError, ServerError, HttpError,
        DecodeError, CancelledError, NotFoundError, PanicError,
    )
}


def error_for(result: int, document: Optional[str], *, fallback: Optional[str] = None) -> UserTokenError:
    """The exception for a result code and the error document that came with it. Async
    argument errors and ``ut_cancel`` have none; ``fallback`` then says what failed."""
    cls = ERRORS.get(result, UserTokenError)
    parsed: Dict[str, Any] = {}
    if document:
        try:
            value = json.loads(document)
            parsed = value if isinstance(value, dict) else {}
        except ValueError:
            parsed = {}
    name = parsed.get("result") or result_name(result)
    message = parsed.get("message") or document or fallback or f"{name} (no details given)"
    return cls(
        str(message),
        result=str(name),
        http_status=parsed.get("http_status"),
        code=parsed.get("code"),
        attempts=parsed.get("attempts"),
        document=parsed,
    )


def check(result: int, document: Optional[str]) -> None:
    """Raises the matching exception unless ``result`` is ``UT_OK``."""
    if result != OK:
        raise error_for(result, document)
