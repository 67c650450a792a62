"""A staff login whose token the library keeps valid (``ut_session``)."""

from __future__ import annotations

from ctypes import byref, c_void_p
from typing import Any, Dict, Optional

from ._handle import Handle
from ._native import lib, take_string
from .aio import SessionAsyncCalls
from .errors import check
from .models import revoke_result


class Session:
    """Made by :meth:`Client.session`, which issues the first token at once.

    :meth:`token` returns a valid access token, renewing it inside the client's
    ``session_renew_margin_s`` and issuing a new one after 7 renewals or a denied renew.
    Closing the session (or leaving its ``with`` block) frees it and sends nothing: the token
    stays valid at the API until it expires, unless :meth:`revoke` was called. The session
    keeps its client alive; closing the client explicitly ends the session's calls with
    :class:`~usertoken.CancelledError`. Thread-safe.
    """

    def __init__(self, handle: Handle, client: Handle) -> None:
        self._handle = handle
        # The library ends a session's calls once its client is freed; holding the client's
        # handle keeps the garbage collector from doing that behind the session's back.
        self._client = client

    def token(self) -> str:
        """The current access token (bare, not ``Bearer ...``), refreshed when needed.

        When a refresh fails while the current token has not expired, that token is returned.

        Raises:
            DeniedError: no valid token could be had: the renew and the new issue were both
                refused (e.g. the password was changed).
            ConnectError, RequestTimeoutError, RateLimitedError, ServerError, HttpError,
            DecodeError: a needed refresh failed (after the configured retries) and the
                current token has expired.
            CancelledError: the session's client was closed.
            ValueError: the session is closed.
        """
        text = self._call(lib.ut_session_token)
        return text or ""

    def revoke(self) -> Dict[str, Any]:
        """Revokes the current token; the next :meth:`token` issues a new one.

        Returns the answer's JSON object (``{}`` when there was no token to revoke).

        Raises:
            DeniedError: the API refused the revoke (HTTP 401/403, e.g. a wrong API key).
            ConnectError, RequestTimeoutError, RateLimitedError, ServerError, HttpError,
            DecodeError: the request failed (after the configured retries) or its answer
                was not a JSON object.
            CancelledError: the session's client was closed.
            ValueError: the session is closed.
        """
        return revoke_result(self._call(lib.ut_session_revoke))

    def invalidate(self) -> None:
        """Forgets the current token without sending anything.

        Call it when an API call made with the token was refused (HTTP 401: the sandbox's
        nightly reset, a migration): the next :meth:`token` issues a new one, a single issue
        however many threads ask at once. The refused token is not revoked.

        Raises:
            ValueError: the session is closed.
        """
        with self._handle.borrow() as session:
            result = lib.ut_session_invalidate(session)
        check(result, None)

    def export(self) -> str:
        """The session's state as a JSON text, for :meth:`Client.restore_session
        <usertoken.Client.restore_session>` in another process (or later in this one), which
        then goes on with the same token instead of issuing its own.

        **The state holds a live bearer token: it is a secret.** Store it where only its owner
        can read it (a file with mode 0600, a secrets store) and never log it. It holds the
        token, its expiry, the renewals used, the version, site id and username; never the
        password. After :meth:`revoke` or :meth:`invalidate`, or once the token has expired,
        the session first gets a new token, so what is exported is always usable.

        Raises:
            DeniedError, ConnectError, RequestTimeoutError, RateLimitedError, ServerError,
            HttpError, DecodeError: the refresh that a revoked, invalidated or expired
                session needs first failed.
            CancelledError: the session's client was closed.
            ValueError: the session is closed.
        """
        return self._call(lib.ut_session_export) or ""

    @property
    def aio(self) -> SessionAsyncCalls:
        """The asyncio form of :meth:`token`: ``await session.aio.token()``."""
        return SessionAsyncCalls(self._handle, self._client)

    def close(self) -> None:
        """Idempotent; frees the session once calls in flight have returned. Raises nothing."""
        self._handle.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._handle.closed

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _call(self, function: Any) -> Optional[str]:
        out = c_void_p()
        with self._handle.borrow() as session:
            try:
                result = function(session, byref(out))
            finally:
                text = take_string(out)
        check(result, text)
        return text
