"""Finds libusertoken, declares the C signature of every function it exports, checks its ABI.

Every exported function gets ``argtypes`` and ``restype``: without a ``restype`` ctypes
assumes ``int`` and truncates 64-bit pointers. Strings the library hands over to the caller
are declared ``c_void_p`` (never ``c_char_p``, which would copy them and drop the pointer, so
they could never be freed); :func:`take_string` copies and frees them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from ctypes import CFUNCTYPE, POINTER, c_char_p, c_uint32, c_uint64, c_void_p
from pathlib import Path
from typing import Iterator, Optional, Tuple

#: The ABI this binding was written against (``UT_ABI_VERSION`` in usertoken.h).
ABI_VERSION = 1

#: Environment variable naming the library file to load instead of searching for it.
LIBRARY_ENV = "USERTOKEN_LIBRARY"

if sys.platform == "darwin":
    _FILENAME = "libusertoken.dylib"
elif sys.platform == "win32":
    _FILENAME = "usertoken.dll"
else:
    _FILENAME = "libusertoken.so"

# typedef void (*ut_callback)(void *user_data, ut_result result, const char *json);
# ``json`` is borrowed for the call, so ctypes copying it into ``bytes`` is exactly right.
CALLBACK = CFUNCTYPE(None, c_void_p, c_uint32, c_char_p)
# typedef void (*ut_log_callback)(void *user_data, uint32_t level, const char *message);
LOG_CALLBACK = CFUNCTYPE(None, c_void_p, c_uint32, c_char_p)

_OUT = POINTER(c_void_p)  # char ** / ut_client ** / ut_session **: owned pointers
_ID_OUT = POINTER(c_uint64)

_SIGNATURES = {
    # Static strings: c_char_p is right here, they are never freed.
    "ut_version": ([], c_char_p),
    "ut_abi_version": ([], c_uint32),
    "ut_result_name": ([c_uint32], c_char_p),
    "ut_client_new": ([c_char_p, _OUT, _OUT], c_uint32),
    "ut_client_free": ([c_void_p], None),
    "ut_issue": ([c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, _OUT], c_uint32),
    "ut_renew": ([c_void_p, c_char_p, c_char_p, c_char_p, _OUT], c_uint32),
    "ut_revoke": ([c_void_p, c_char_p, c_char_p, c_char_p, _OUT], c_uint32),
    "ut_free_string": ([c_void_p], None),
    "ut_issue_async": (
        [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, CALLBACK, c_void_p, _ID_OUT],
        c_uint32,
    ),
    "ut_renew_async": ([c_void_p, c_char_p, c_char_p, c_char_p, CALLBACK, c_void_p, _ID_OUT], c_uint32),
    "ut_revoke_async": ([c_void_p, c_char_p, c_char_p, c_char_p, CALLBACK, c_void_p, _ID_OUT], c_uint32),
    "ut_cancel": ([c_uint64], c_uint32),
    "ut_session_new": ([c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, _OUT, _OUT], c_uint32),
    "ut_session_token": ([c_void_p, _OUT], c_uint32),
    "ut_session_token_async": ([c_void_p, CALLBACK, c_void_p, _ID_OUT], c_uint32),
    "ut_session_invalidate": ([c_void_p], c_uint32),
    "ut_session_export": ([c_void_p, _OUT], c_uint32),
    "ut_session_restore": (
        [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, _OUT, _OUT],
        c_uint32,
    ),
    "ut_session_revoke": ([c_void_p, _OUT], c_uint32),
    "ut_session_free": ([c_void_p], None),
    "ut_client_stats": ([c_void_p, _OUT], c_uint32),
    "ut_set_log_callback": ([LOG_CALLBACK, c_void_p, c_uint32], c_uint32),
}


def _candidates() -> Iterator[Tuple[str, str]]:
    """Where to look, in order: (description, path or name for ctypes)."""
    override = os.environ.get(LIBRARY_ENV)
    if override:
        # An explicit choice is final: falling back would hide a typo behind another build.
        yield LIBRARY_ENV, override
        return
    here = Path(__file__).resolve().parent
    yield "the installed package", str(here / _FILENAME)
    # Source checkout: bindings/python/usertoken -> repository root -> target/release.
    yield "the build tree", str(here.parents[2] / "target" / "release" / _FILENAME)
    found = ctypes.util.find_library("usertoken")
    if found:
        yield "the system", found


def _load() -> Tuple[ctypes.CDLL, str]:
    tried = []
    for where, path in _candidates():
        is_name = os.sep not in path  # a bare name from find_library is resolved by the loader
        if not is_name and not os.path.exists(path):
            tried.append(f"{where}: {path} (absent)")
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as error:
            tried.append(f"{where}: {path} ({error})")
    raise ImportError(
        "usertoken: cannot load the native library libusertoken; tried\n  "
        + "\n  ".join(tried or ["nothing"])
        + f"\nSet {LIBRARY_ENV} to the path of libusertoken, or install a wheel that carries it."
    )


def _declare(library: ctypes.CDLL) -> None:
    for name, (argtypes, restype) in _SIGNATURES.items():
        function = getattr(library, name)
        function.argtypes = argtypes
        function.restype = restype


lib, library_path = _load()
_declare(lib)

_abi = lib.ut_abi_version()
if _abi != ABI_VERSION:
    raise ImportError(
        f"usertoken: {library_path} has ABI version {_abi}, this binding needs {ABI_VERSION}; "
        "install matching versions of the library and the Python package"
    )


def take_string(pointer: c_void_p) -> Optional[str]:
    """Copies a string the library handed over, then frees it whatever happens."""
    if not pointer.value:
        return None
    try:
        return ctypes.string_at(pointer.value).decode("utf-8", "replace")
    finally:
        lib.ut_free_string(pointer)


def result_name(result: int) -> str:
    """The library's static name of a result code, ``"UT_UNKNOWN"`` for one it does not know."""
    name: bytes = lib.ut_result_name(result)
    return name.decode("ascii")
