"""Loading the library: the search order, the ABI check, a declared signature for every export."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import usertoken
from usertoken import _native
from support import BINDING, ROOT


def _run(code: str, env_changes: dict, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != _native.LIBRARY_ENV}
    env.update(env_changes)
    env["PYTHONPATH"] = str(BINDING)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def header_functions() -> set:
    header = (ROOT / "include" / "usertoken.h").read_text()
    header = re.sub(r"/\*.*?\*/", "", header, flags=re.S)  # doc comments mention ut_ names
    return set(re.findall(r"^[A-Za-z_][\w \*]*?\b(ut_\w+)\(", header, flags=re.M))


def test_every_exported_function_has_argtypes_and_restype():
    functions = header_functions()
    assert len(functions) == 23, functions
    assert functions == set(_native._SIGNATURES)
    for name in functions:
        function = getattr(_native.lib, name)
        assert function.argtypes is not None, name
        # Unset, ctypes would assume int and cut a 64-bit pointer in half.
        assert function.restype is not None or name in {"ut_client_free", "ut_free_string", "ut_session_free"}


def test_owned_strings_are_never_c_char_p():
    # A c_char_p out-parameter or return would copy the string and lose the pointer to free.
    from ctypes import POINTER, c_char_p, c_void_p

    for name, (argtypes, restype) in _native._SIGNATURES.items():
        assert POINTER(c_char_p) not in argtypes, name
        if restype is c_char_p:
            assert name in {"ut_version", "ut_result_name"}, name  # static strings
        if name not in {"ut_cancel", "ut_set_log_callback", "ut_version", "ut_abi_version",
                        "ut_result_name", "ut_client_free", "ut_free_string", "ut_session_free",
                        "ut_session_invalidate"} \
                and not name.endswith("_async"):
            assert argtypes[-1] is POINTER(c_void_p), name


def test_abi_and_versions():
    assert _native.lib.ut_abi_version() == usertoken.ABI_VERSION == 1
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", usertoken.library_version())
    assert _native.result_name(5) == "UT_TIMEOUT"
    assert _native.result_name(9999) == "UT_UNKNOWN"


def test_the_source_tree_uses_the_build_tree(tmp_path):
    result = _run("import usertoken; print(usertoken.library_path)", {}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == ROOT / "target" / "release" / "libusertoken.so"


def test_the_environment_variable_comes_first(tmp_path):
    copy = tmp_path / "libusertoken-copy.so"
    shutil.copy(usertoken.library_path, copy)
    result = _run("import usertoken; print(usertoken.library_path)", {"USERTOKEN_LIBRARY": str(copy)}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(copy)


def test_a_wrong_environment_variable_is_an_error_not_a_fallback(tmp_path):
    missing = tmp_path / "nope.so"
    result = _run("import usertoken", {"USERTOKEN_LIBRARY": str(missing)}, tmp_path)
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "USERTOKEN_LIBRARY" in result.stderr and str(missing) in result.stderr


def test_an_abi_mismatch_is_refused_at_import(tmp_path):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build a stand-in library")
    # A stand-in that exports every symbol but claims another ABI version.
    stubs = "\n".join(f"void {name}(void) {{}}" for name in header_functions() if name != "ut_abi_version")
    source = tmp_path / "fake.c"
    source.write_text(stubs + "\nunsigned ut_abi_version(void) { return 99; }\n")
    fake = tmp_path / "libusertoken.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(fake), str(source)], check=True)
    result = _run("import usertoken", {"USERTOKEN_LIBRARY": str(fake)}, tmp_path)
    assert result.returncode != 0
    assert "ABI version 99" in result.stderr and "needs 1" in result.stderr
