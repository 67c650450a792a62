"""The blocking client: one ``ut_client`` shared by every thread that uses it."""

from __future__ import annotations

import os
import weakref
from ctypes import byref, c_void_p
from typing import Any, Optional, Tuple, Union

from ._arguments import Text, c_string
from ._config import config_json
from ._handle import Handle
from ._native import lib, take_string
from .aio import AsyncCalls
from .errors import check
from .models import IssueResponse, issue_result, renew_result, revoke_result
from .session import Session

#: Clients still open, closed at interpreter exit (see _shutdown).
open_clients: "weakref.WeakSet[Handle]" = weakref.WeakSet()

SiteId = Union[str, int]


class Client:
    """A configured connection to the Mindbody Public API (or its emulator).

    Keyword arguments map one to one to the library's configuration keys; the ones left out
    (``None``) are not sent, so the library's defaults and the environment variables
    ``MINDBODY_BASE_URL`` and ``MINDBODY_API_KEY`` apply. Every method may be called from any
    number of threads at once; blocking calls release the GIL while they wait.

    Use it as a context manager, or call :meth:`close` (idempotent; calls in flight finish
    first, pending async requests end with :class:`~usertoken.CancelledError`).
    """

    def __init__(
        self,
        *,
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        timeout_ms: Optional[int] = None,
        connect_timeout_ms: Optional[int] = None,
        max_retries: Optional[int] = None,
        retry_base_ms: Optional[int] = None,
        retry_max_ms: Optional[int] = None,
        user_agent: Optional[str] = None,
        proxy: Optional[str] = None,
        ca_file: Optional[Union[str, "os.PathLike[str]"]] = None,
        allow_http: Optional[bool] = None,
        max_response_bytes: Optional[int] = None,
        worker_threads: Optional[int] = None,
        session_renew_margin_s: Optional[int] = None,
    ) -> None:
        config = config_json({
            "base_url": base_url, "api_key": api_key, "timeout_ms": timeout_ms,
            "connect_timeout_ms": connect_timeout_ms, "max_retries": max_retries,
            "retry_base_ms": retry_base_ms, "retry_max_ms": retry_max_ms,
            "user_agent": user_agent, "proxy": proxy, "ca_file": ca_file,
            "allow_http": allow_http, "max_response_bytes": max_response_bytes,
            "worker_threads": worker_threads, "session_renew_margin_s": session_renew_margin_s,
        })
        pointer, error = c_void_p(), c_void_p()
        try:
            result = lib.ut_client_new(config, byref(pointer), byref(error))
        finally:
            document = take_string(error)
        check(result, document)
        self._handle = Handle(pointer.value, lib.ut_client_free, "client")  # type: ignore[arg-type]
        open_clients.add(self._handle)

    # Lifetime

    def close(self) -> None:
        self._handle.close()

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # Calls

    def issue(self, username: Text, password: Text, *, site_id: SiteId = "-99", version: str = "6") -> IssueResponse:
        """Issues a staff user token (``POST /public/v{version}/usertoken/issue``)."""
        args = _target(version, site_id) + (c_string(username, "username"), c_string(password, "password"))
        return issue_result(self._call(lib.ut_issue, args))

    def renew(self, authorization: Text, *, site_id: SiteId = "-99", version: str = "6") -> Union[IssueResponse, Any]:
        """Renews a token by 24 h from its current expiry (at most 7 times).

        ``authorization`` is sent exactly as given: pass the bare access token (the API documents
        no ``Bearer`` prefix; whether it accepts one is unknown). Returns an
        :class:`IssueResponse` when the answer has that shape (the API's does; its
        ``access_token``, which may be a new one, is the token from then on), else the parsed
        JSON body (``{}`` for an empty one).
        """
        args = _target(version, site_id) + (c_string(authorization, "authorization"),)
        return renew_result(self._call(lib.ut_renew, args))

    def revoke(self, authorization: Text, *, site_id: SiteId = "-99", version: str = "6") -> Any:
        """Revokes a token; returns the parsed JSON body (``{}`` for an empty one)."""
        args = _target(version, site_id) + (c_string(authorization, "authorization"),)
        return revoke_result(self._call(lib.ut_revoke, args))

    def session(self, username: Text, password: Text, *, site_id: SiteId = "-99", version: str = "6") -> Session:
        """Logs in and returns a :class:`Session` that keeps a valid token for this user."""
        args = _target(version, site_id) + (c_string(username, "username"), c_string(password, "password"))
        pointer, error = c_void_p(), c_void_p()
        with self._handle.borrow() as client:
            try:
                result = lib.ut_session_new(client, *args, byref(pointer), byref(error))
            finally:
                document = take_string(error)
        check(result, document)
        return Session(Handle(pointer.value, lib.ut_session_free, "session"), self._handle)  # type: ignore[arg-type]

    @property
    def aio(self) -> AsyncCalls:
        """The asyncio form of :meth:`issue`, :meth:`renew` and :meth:`revoke`."""
        return AsyncCalls(self._handle)

    def _call(self, function: Any, args: Tuple[Optional[bytes], ...]) -> Optional[str]:
        # acquire/release rather than `with borrow()`: this is every call's hot path, and a
        # generator-based context manager costs more than the rest of the Python side.
        out = c_void_p()
        client = self._handle.acquire()
        try:
            result = function(client, *args, byref(out))
        finally:
            self._handle.release()
            text = take_string(out)
        check(result, text)
        return text


def _target(version: Text, site_id: SiteId) -> Tuple[Optional[bytes], ...]:
    return (c_string(version, "version"), c_string(site_id, "site_id"))

