"""Types and docstrings: the package and every Python example in the READMEs (and in the
guide to testing with the emulator) pass ``mypy --strict``; every public function and method
says in its docstring what it raises."""

from __future__ import annotations

import asyncio
import builtins
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

import usertoken
from usertoken.aio import AsyncCalls
from support import BINDING, ROOT

#: Every document whose ```python blocks are examples a user may copy.
DOCUMENTS = [ROOT / "README.md", BINDING / "README.md", ROOT / "docs" / "testing-with-the-emulator.md"]


def python_examples() -> List[Tuple[str, str]]:
    examples = []
    for document in DOCUMENTS:
        blocks = re.findall(r"^```python\n(.*?)^```", document.read_text(), flags=re.S | re.M)
        for number, code in enumerate(blocks, 1):
            examples.append((f"{document.relative_to(ROOT)}, example {number}", code))
    return examples


def test_every_readme_has_python_examples() -> None:
    names = [name for name, _ in python_examples()]
    for document in DOCUMENTS:
        assert any(name.startswith(str(document.relative_to(ROOT))) for name in names), document


def test_the_package_and_the_examples_pass_mypy_strict(tmp_path: Path) -> None:
    try:
        import mypy  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("mypy is not installed for this Python (requirements-dev.txt)")
    files = []
    for number, (name, code) in enumerate(python_examples()):
        path = tmp_path / f"example_{number}.py"
        path.write_text(f"# {name}\n{code}")
        files.append(str(path))
    # The examples import usertoken from this tree, as PYTHONPATH=bindings/python would; the
    # cache lives in the repository's build directory so that reruns are fast.
    env = dict(os.environ, MYPYPATH=str(BINDING))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir",
         str(ROOT / "build" / "mypy-cache"), str(BINDING / "usertoken"), *files],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    # Name the README an error comes from rather than the scratch file.
    report = result.stdout
    for number, (name, _) in enumerate(python_examples()):
        report = report.replace(f"example_{number}.py", f"<{name}>")
    assert result.returncode == 0, report + result.stderr


def public_callables() -> Iterator[Tuple[str, Any]]:
    for name in ("enable_logging", "disable_logging", "library_version"):
        yield name, getattr(usertoken, name)
    for cls in (usertoken.Client, usertoken.Session, AsyncCalls, usertoken.IssueResponse,
                usertoken.RenewResponse, usertoken.User):
        for name, member in vars(cls).items():
            if name.startswith("_") or isinstance(member, property):
                continue
            if isinstance(member, (classmethod, staticmethod)):
                member = member.__func__
            if callable(member):
                yield f"{cls.__name__}.{name}", member
    # The constructor's errors are in the class docstring, where help() shows them first.
    yield "Client", usertoken.Client


@pytest.mark.parametrize("name, member", list(public_callables()), ids=lambda value: value if isinstance(value, str) else "")
def test_every_public_method_says_what_it_raises(name: str, member: Any) -> None:
    doc = inspect.getdoc(member) or ""
    if "Raises nothing" in doc:
        return
    section = re.search(r"^Raises:\n((?:    .*\n?)+)", doc, flags=re.M)
    assert section, f"{name}'s docstring has no 'Raises:' section and does not say 'Raises nothing'"
    # Every exception named there exists: the package's own, a builtin, or asyncio's.
    named = re.findall(r"^    (\S[^:]*):", section.group(1), flags=re.M)
    assert named, f"{name}'s 'Raises:' section names no exception"
    for entry in named:
        for exception in (part.strip() for part in entry.split(",")):
            if not exception:
                continue
            module, _, attribute = exception.rpartition(".")
            found = getattr(asyncio if module == "asyncio" else usertoken, attribute, None) \
                or getattr(builtins, exception, None)
            assert isinstance(found, type) and issubclass(found, BaseException), \
                f"{name} says it raises {exception}, which is no exception"
