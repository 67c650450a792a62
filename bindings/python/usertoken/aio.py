"""asyncio on top of ``ut_issue_async`` and friends.

One C callback serves every request and lives as long as the module, because the library
may call it at any time until a request completes. Each request is known by a small integer
passed as ``user_data`` and mapped here to its future: the C side never holds a pointer to
a Python object, and a request whose future is gone is simply dropped.

The callback runs on a library thread (or on the thread that closes the client); it only
hands the result to the future's loop with ``call_soon_threadsafe``. Pending requests hold
no reference to the client, so dropping the last one while requests are pending frees it,
and those requests end with :class:`~usertoken.CancelledError`.

A session's token (``ut_session_token_async``) is the exception: the library needs the
session until its callback has run, so that request borrows the session's handle until then
(closing the session meanwhile frees it afterwards) and its coroutine keeps the client.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import weakref
from ctypes import byref, c_uint64, c_void_p
from typing import Any, Callable, Coroutine, Dict, Optional, Tuple, Union

from ._arguments import Text, c_string
from ._handle import Handle
from ._native import CALLBACK, lib
from .errors import CANCELLED, OK, error_for
from .models import IssueResponse, RenewResponse, issue_result, renew_result, revoke_result

Converter = Callable[[Optional[str]], Any]


class _Request:
    __slots__ = ("loop", "future", "convert", "request_id", "held")

    def __init__(self, loop: asyncio.AbstractEventLoop, future: "asyncio.Future[Any]", convert: Converter,
                 held: Optional[Handle] = None) -> None:
        self.loop = loop
        self.future = future
        self.convert = convert
        self.request_id: Optional[int] = None  # known once the library accepted it
        # A handle borrowed until the library has called back (a session must outlive its
        # async calls), or None.
        self.held = held


# Plain dict operations are atomic under the GIL, which is all the sharing this needs; a lock
# could deadlock when a client freed by the garbage collector runs this callback on the same
# thread that holds it.
_pending: Dict[int, _Request] = {}
_keys = itertools.count(1)


def _complete(user_data: Optional[int], result: int, json: Optional[bytes]) -> None:
    request = _pending.pop(user_data or 0, None)
    if request is None:
        return
    text = json.decode("utf-8", "replace") if json is not None else None
    try:
        request.loop.call_soon_threadsafe(_settle, request.future, result, text, request.convert)
    except RuntimeError:
        pass  # the loop is closed: nobody can be waiting for this any more
    if request.held is not None:
        _release_held(request.held)


def _release_held(held: Handle) -> None:
    # The library is done with the handle. When it was closed meanwhile, this release frees
    # it, which the library wants done after its callback has returned: on a thread of its
    # own (not the loop's, which may never run again).
    if held.closed:
        try:
            threading.Thread(target=held.release, name="usertoken-free", daemon=True).start()
            return
        except RuntimeError:  # interpreter shutdown: no new threads
            pass
    held.release()


_CALLBACK = CALLBACK(_complete)


def _settle(future: "asyncio.Future[Any]", result: int, text: Optional[str], convert: Converter) -> None:
    if future.done():  # cancelled by its awaiter; the library's UT_CANCELLED is the echo
        return
    if result != OK:
        future.set_exception(error_for(result, text))
        return
    try:
        future.set_result(convert(text))
    except Exception as error:  # a body the converter cannot read
        future.set_exception(error)


def _cancel_request(request_id: int, future: "asyncio.Future[Any]") -> None:
    if future.cancelled():
        # UT_NOT_FOUND only means the request finished first, which is fine: the future is
        # already settled, and the library's late callback is dropped by _settle.
        lib.ut_cancel(request_id)


class AsyncCalls:
    """``client.aio``: coroutines for the three calls, to ``await`` on any event loop.

    A request starts when its coroutine first runs; cancelling the task that awaits it
    (``task.cancel()``, :func:`asyncio.wait_for`) cancels the request in the library.
    While a request is pending it does not keep the client alive: a client that is closed
    or garbage-collected ends it with :class:`~usertoken.CancelledError`.
    """

    def __init__(self, handle: Handle) -> None:
        self._handle = handle

    def issue(self, username: Text, password: Text, *, site_id: Union[str, int],
              version: str = "6") -> Coroutine[Any, Any, IssueResponse]:
        """:meth:`Client.issue <usertoken.Client.issue>`, awaitable.

        Raises:
            ValueError: the client is closed (when awaited).
            NullArgumentError, InvalidArgumentError: an argument was ``None`` or malformed;
                nothing was sent (when awaited).
            DeniedError, ConnectError, RequestTimeoutError, RateLimitedError, ServerError,
            HttpError, DecodeError: as :meth:`Client.issue <usertoken.Client.issue>`.
            CancelledError: the client was closed before the request completed.
            asyncio.CancelledError: the awaiting task was cancelled (the request is too).
        """
        arguments = ((version, "version"), (site_id, "site_id"), (username, "username"), (password, "password"))
        return _request(weakref.ref(self._handle), lib.ut_issue_async, arguments, issue_result)

    def renew(self, authorization: Text, *, site_id: Union[str, int],
              version: str = "6") -> Coroutine[Any, Any, RenewResponse]:
        """:meth:`Client.renew <usertoken.Client.renew>`, awaitable.

        Raises:
            ValueError: the client is closed (when awaited).
            NullArgumentError, InvalidArgumentError: an argument was ``None`` or malformed;
                nothing was sent (when awaited).
            DeniedError, ConnectError, RequestTimeoutError, RateLimitedError, ServerError,
            HttpError, DecodeError: as :meth:`Client.renew <usertoken.Client.renew>`.
            CancelledError: the client was closed before the request completed.
            asyncio.CancelledError: the awaiting task was cancelled (the request is too).
        """
        arguments = ((version, "version"), (site_id, "site_id"), (authorization, "authorization"))
        return _request(weakref.ref(self._handle), lib.ut_renew_async, arguments, renew_result)

    def revoke(self, authorization: Text, *, site_id: Union[str, int],
               version: str = "6") -> Coroutine[Any, Any, Dict[str, Any]]:
        """:meth:`Client.revoke <usertoken.Client.revoke>`, awaitable.

        Raises:
            ValueError: the client is closed (when awaited).
            NullArgumentError, InvalidArgumentError: an argument was ``None`` or malformed;
                nothing was sent (when awaited).
            DeniedError, ConnectError, RequestTimeoutError, RateLimitedError, ServerError,
            HttpError, DecodeError: as :meth:`Client.revoke <usertoken.Client.revoke>`.
            CancelledError: the client was closed before the request completed.
            asyncio.CancelledError: the awaiting task was cancelled (the request is too).
        """
        arguments = ((version, "version"), (site_id, "site_id"), (authorization, "authorization"))
        return _request(weakref.ref(self._handle), lib.ut_revoke_async, arguments, revoke_result)


async def _request(handle: "weakref.ref[Handle]", function: Any,
                   arguments: Tuple[Tuple[Any, str], ...], convert: Converter) -> Any:
    # Only a weak reference waits here with the request, so that the client's lifetime stays
    # its owner's business.
    future = _submit(handle(), function, tuple(c_string(value, name) for value, name in arguments), convert)
    return await future


def _submit(handle: Optional[Handle], function: Any, args: Tuple[Optional[bytes], ...],
            convert: Converter, *, hold: bool = False) -> "asyncio.Future[Any]":
    if handle is None:
        raise ValueError("the client is closed")
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    key = next(_keys)
    if hold:
        handle.acquire()  # released by _complete, or by _forget when nothing was started
    request = _Request(loop, future, convert, handle if hold else None)
    # Registered first: the callback may run on a library thread before the call returns.
    _pending[key] = request
    request_id = c_uint64()
    try:
        with handle.borrow() as client:
            result = function(client, *args, _CALLBACK, c_void_p(key), byref(request_id))
    except BaseException:
        _forget(key)
        raise
    if result != OK:
        # Refused before it started: the callback never runs, and there is no document.
        _forget(key)
        raise error_for(result, None, fallback=f"{function.__name__} refused its arguments")
    request.request_id = request_id.value
    future.add_done_callback(lambda done: _cancel_request(request_id.value, done))
    return future


def _forget(key: int) -> None:
    """Drops a request that the library never started (its callback will not run)."""
    request = _pending.pop(key, None)
    if request is not None and request.held is not None:
        request.held.release()


class SessionAsyncCalls:
    """``session.aio``: the session's token from a coroutine, on any event loop.

    The token comes from the library's threads through ``call_soon_threadsafe``, so the loop
    never blocks, not even while the token is being renewed. Cancelling the task that awaits
    it (``task.cancel()``, :func:`asyncio.wait_for`) cancels the request in the library; a
    renewal it started goes on for the session's next callers.
    """

    def __init__(self, handle: Handle, client: Handle) -> None:
        self._handle = handle
        self._client = client

    def token(self) -> Coroutine[Any, Any, str]:
        """A valid access token (bare, not ``Bearer ...``), as :meth:`Session.token
        <usertoken.Session.token>` gives it: without any request while it is far from its
        expiry, else renewed or issued anew, joining a refresh that another caller (blocking
        or async) already runs.

        Raises:
            DeniedError, ConnectError, RequestTimeoutError, RateLimitedError, ServerError,
            HttpError, DecodeError: no valid token could be had (a refresh failed and the
                current token has expired).
            CancelledError: the client was closed first, or the request was cancelled.
            ValueError: the session is closed (when the coroutine starts).
        """
        return _session_token(self._handle, self._client)


async def _session_token(session: Handle, client: Handle) -> str:
    # The session is borrowed until the library has called back, even when the awaiting task
    # is cancelled first: closing it meanwhile frees it only then. ``client`` stays referenced
    # by this frame, so the garbage collector cannot free the client (which would end the
    # request with CancelledError) while the session's token is awaited.
    if client.closed:
        # As the blocking token() does. (The library refuses the request then, with neither a
        # callback nor a document that would say why.)
        raise error_for(CANCELLED, None, fallback="the session's client is closed")
    token: str = await _submit(session, lib.ut_session_token_async, (), _bare_token, hold=True)
    return token


def _bare_token(text: Optional[str]) -> str:
    return text or ""


def pending_requests() -> int:
    """How many async requests have not yet been completed by the library."""
    return len(_pending)


def cancel_all() -> None:
    """Asks the library to complete every pending request now (with UT_CANCELLED)."""
    for request in list(_pending.values()):
        if request.request_id is not None:
            lib.ut_cancel(request.request_id)

