"""Mindbody Public API v6 staff user tokens: issue, renew, revoke, kept fresh.

A binding of the C library libusertoken::

    import usertoken

    with usertoken.Client(api_key="...") as client:
        token = client.issue("Siteowner", "apitest1234", site_id=-99)
        client.revoke(token.access_token)
"""

from ._native import ABI_VERSION, library_path
from ._native import lib as _lib
from .client import Client
from .errors import (
    CancelledError,
    ConnectError,
    DecodeError,
    DeniedError,
    HttpError,
    InvalidArgumentError,
    InvalidConfigError,
    NotFoundError,
    NullArgumentError,
    PanicError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    UserTokenError,
)
from .log import TRACE, disable_logging, enable_logging
from .models import IssueResponse, RenewResponse, User
from .session import Session
from .stats import CallStats, ClientStats
from . import _shutdown  # noqa: F401  (registers the exit hook)

__version__ = "1.1.0"


def library_version() -> str:
    """The version of the loaded libusertoken, e.g. ``"1.0.0"``. Raises nothing."""
    version: bytes = _lib.ut_version()
    return version.decode("ascii")


__all__ = [
    "ABI_VERSION", "CancelledError", "Client", "ConnectError", "DecodeError", "DeniedError",
    "HttpError", "InvalidArgumentError", "InvalidConfigError", "IssueResponse", "NotFoundError",
    "NullArgumentError", "PanicError", "RateLimitedError", "RenewResponse", "RequestTimeoutError",
    "ServerError", "Session", "TRACE", "User", "UserTokenError", "disable_logging", "enable_logging",
    "library_path", "library_version",
    "CallStats", "ClientStats",
]
