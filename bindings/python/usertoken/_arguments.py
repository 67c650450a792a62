"""Python arguments as C strings. The library validates them; this only has to build them."""

from __future__ import annotations

from typing import Optional, Union

from .errors import InvalidArgumentError

#: What a string parameter accepts: ``str`` (sent as UTF-8), raw ``bytes``, or ``None``,
#: which becomes NULL and makes the library answer with a :class:`NullArgumentError`.
Text = Union[str, bytes]


def c_string(value: Optional[Union[Text, int]], name: str) -> Optional[bytes]:
    if type(value) is str and "\0" not in value:
        # The common case, first and short: it is on every call's path.
        return value.encode("utf-8", "surrogatepass")
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # site_id=-99 reads naturally
    if isinstance(value, str):
        # surrogatepass: a lone surrogate becomes bytes that are not UTF-8, so the library
        # rejects it with its own UT_INVALID_ARGUMENT instead of Python guessing a policy.
        value = value.encode("utf-8", "surrogatepass")
    elif not isinstance(value, (bytes, bytearray)):
        raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    if b"\0" in value:
        # A C string ends at the first NUL: the library would see a different value.
        message = f"{name} must not contain a NUL character"
        raise InvalidArgumentError(
            message,
            document={"result": "UT_INVALID_ARGUMENT", "message": message,
                      "http_status": None, "code": None, "attempts": 0},
            attempts=0,
        )
    return bytes(value)

