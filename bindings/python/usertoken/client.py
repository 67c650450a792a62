"""The blocking client: one ``ut_client`` shared by every thread that uses it."""

from __future__ import annotations

import os
import weakref
from ctypes import byref, c_void_p
from typing import Any, Dict, Optional, Tuple, Union

from ._arguments import Text, c_string
from ._config import config_json
from ._handle import Handle
from ._native import lib, take_string
from .aio import AsyncCalls
from .errors import check
from .models import IssueResponse, RenewResponse, issue_result, renew_result, revoke_result
from .session import Session
from .stats import ClientStats, stats_result

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

    Every call takes the business's ``site_id`` (``-99`` is the API's public sandbox) as a
    required keyword argument: there is no default site.

    Raises:
        InvalidConfigError: a setting was rejected (the message names it), or no API key was
            given here or in ``MINDBODY_API_KEY``.
        TypeError: a setting's value cannot be written as JSON.
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
        """Frees the client once calls in flight have returned; idempotent.

        Pending async requests end with :class:`~usertoken.CancelledError`; later calls
        raise ``ValueError``. Raises nothing.
        """
        self._handle.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._handle.closed

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # Calls

    def issue(self, username: Text, password: Text, *, site_id: SiteId, version: str = "6") -> IssueResponse:
        """Issues a staff user token (``POST /public/v{version}/usertoken/issue``).

        Raises:
            DeniedError: wrong credentials or API key (HTTP 401/403).
            NullArgumentError, InvalidArgumentError: an argument was ``None`` or malformed;
                nothing was sent.
            ConnectError, RequestTimeoutError, RateLimitedError, ServerError, HttpError,
            DecodeError: the request failed (after the configured retries) or its answer
                was not an issue answer.
            CancelledError: the client was closed by another thread during the call.
            ValueError: the client is closed.
        """
        args = _target(version, site_id) + (c_string(username, "username"), c_string(password, "password"))
        return issue_result(self._call(lib.ut_issue, args))

    def renew(self, authorization: Text, *, site_id: SiteId, version: str = "6") -> RenewResponse:
        """Renews a token by 24 h from its current expiry (at most 7 times).

        ``authorization`` is sent exactly as given: pass the bare access token (the API documents
        no ``Bearer`` prefix; whether it accepts one is unknown). A ``RenewResponse``'s
        ``access_token``, when present (it may be a new one), is the token from then on.
        The answer is undocumented; it is read as a :class:`RenewResponse`, whose fields are
        ``None`` where the answer lacks them (an empty answer gives all ``None``).

        Raises:
            DeniedError: the token is unknown, expired or revoked, it was renewed 7 times
                already, or the API key is wrong (HTTP 401/403).
            NullArgumentError, InvalidArgumentError: an argument was ``None`` or malformed;
                nothing was sent.
            ConnectError, RequestTimeoutError, RateLimitedError, ServerError, HttpError,
            DecodeError: the request failed (after the configured retries) or its answer
                was not a JSON object.
            CancelledError: the client was closed by another thread during the call.
            ValueError: the client is closed.
        """
        args = _target(version, site_id) + (c_string(authorization, "authorization"),)
        return renew_result(self._call(lib.ut_renew, args))

    def revoke(self, authorization: Text, *, site_id: SiteId, version: str = "6") -> Dict[str, Any]:
        """Revokes a token; returns the answer's JSON object (``{}`` for an empty one).

        Raises:
            DeniedError: the token is unknown or expired, or the API key is wrong
                (HTTP 401/403).
            NullArgumentError, InvalidArgumentError: an argument was ``None`` or malformed;
                nothing was sent.
            ConnectError, RequestTimeoutError, RateLimitedError, ServerError, HttpError,
            DecodeError: the request failed (after the configured retries) or its answer
                was not a JSON object.
            CancelledError: the client was closed by another thread during the call.
            ValueError: the client is closed.
        """
        args = _target(version, site_id) + (c_string(authorization, "authorization"),)
        return revoke_result(self._call(lib.ut_revoke, args))

    def session(self, username: Text, password: Text, *, site_id: SiteId, version: str = "6") -> Session:
        """Logs in and returns a :class:`Session` that keeps a valid token for this user.

        Raises:
            DeniedError: wrong credentials or API key (HTTP 401/403).
            NullArgumentError, InvalidArgumentError: an argument was ``None`` or malformed;
                nothing was sent.
            ConnectError, RequestTimeoutError, RateLimitedError, ServerError, HttpError,
            DecodeError: the first issue failed (after the configured retries).
            CancelledError: the client was closed by another thread during the call.
            ValueError: the client is closed.
        """
        args = _target(version, site_id) + (c_string(username, "username"), c_string(password, "password"))
        return self._make_session(lib.ut_session_new, args)

    def restore_session(self, username: Text, password: Text, state: Text, *, site_id: SiteId,
                        version: str = "6") -> Session:
        """A :class:`Session` that goes on from ``state``, what :meth:`Session.export` wrote
        (in this process or another), instead of logging in again.

        While the saved token is unexpired and was issued for this ``version``, ``site_id``
        and ``username``, it is used as it is: nothing is sent (so the password is not checked
        then), and the renewals it has used still count. Otherwise (it expired, or the state is
        of another login) a new token is issued at once, as :meth:`session` does. ``site_id``
        has no default: a state restored for the wrong site would silently log in there.

        Raises:
            InvalidArgumentError: ``state`` is not a session state (or is longer than 64 KiB),
                or another argument is malformed; nothing is sent.
            NullArgumentError: an argument was ``None``; nothing was sent.
            DeniedError, ConnectError, RequestTimeoutError, RateLimitedError, ServerError,
            HttpError, DecodeError: the issue that was needed failed.
            CancelledError: the client was closed by another thread during the call.
            ValueError: the client is closed.
        """
        args = _target(version, site_id) + (c_string(username, "username"), c_string(password, "password"),
                                             c_string(state, "state"))
        return self._make_session(lib.ut_session_restore, args)

    def _make_session(self, function: Any, args: Tuple[Any, ...]) -> Session:
        # ut_session_new and ut_session_restore: a session out, an error document out.
        pointer, error = c_void_p(), c_void_p()
        with self._handle.borrow() as client:
            try:
                result = function(client, *args, byref(pointer), byref(error))
            finally:
                document = take_string(error)
        check(result, document)
        return Session(Handle(pointer.value, lib.ut_session_free, "session"), self._handle)  # type: ignore[arg-type]

    def stats(self) -> ClientStats:
        """What this client has done since it was made, sessions' calls included: per call
        (``issue``, ``renew``, ``revoke``) the calls, the HTTP requests they sent (retries
        included: what the API counts against the site and key) and the failures by result
        name. Sends nothing.

        Raises:
            ValueError: the client is closed.
        """
        return stats_result(self._call(lib.ut_client_stats, ()))

    @property
    def aio(self) -> AsyncCalls:
        """The asyncio form of :meth:`issue`, :meth:`renew` and :meth:`revoke`.

        Raises nothing itself; its coroutines raise what the blocking calls do.
        """
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

