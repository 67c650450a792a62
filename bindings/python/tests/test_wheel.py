"""The wheel: one command builds it, and installed in a fresh venv it works on its own."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

from usertoken import _native
from support import API_KEY, BINDING, SITE_ID, STAFF


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(["make", "-C", str(BINDING), "wheel", f"PYTHON={sys.executable}", f"DIST={dist}"],
                   check=True, capture_output=True, text=True, timeout=600)
    (built,) = dist.glob("usertoken-*.whl")
    return built


def test_the_wheel_carries_the_library_and_a_manylinux_tag(wheel):
    assert re.fullmatch(r"usertoken-1\.0\.0-py3-none-manylinux_2_\d+_" + platform.machine() + r"\.whl",
                        wheel.name), wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    assert f"usertoken/{_native._FILENAME}" in names
    assert "usertoken/py.typed" in names
    assert "Root-Is-Purelib: false" in zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/WHEEL"))).decode()


def test_the_library_in_the_wheel_is_stripped(wheel, tmp_path):
    library = zipfile.ZipFile(wheel).extract(f"usertoken/{_native._FILENAME}", tmp_path)
    sections = subprocess.run(["readelf", "--section-headers", "--wide", library],
                              check=True, capture_output=True, text=True).stdout
    assert ".symtab" not in sections and ".debug_line" not in sections


def test_installed_in_a_fresh_venv_it_works(wheel, emulator, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-index", str(wheel)],
                   check=True, timeout=300)
    script = textwrap.dedent(f"""
        import usertoken
        with usertoken.Client(base_url={emulator.url!r}, api_key={API_KEY!r}) as client:
            token = client.issue(*{STAFF!r}, site_id={SITE_ID!r})
        print(usertoken.__file__)
        print(usertoken.library_path)
        print(token.user.first_name)
    """)
    env = {k: v for k, v in os.environ.items()
           if k not in ("USERTOKEN_LIBRARY", "PYTHONPATH", "MINDBODY_BASE_URL", "MINDBODY_API_KEY")}
    result = subprocess.run([str(python), "-c", script], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    package, library, name = result.stdout.split()
    assert Path(package).is_relative_to(env_dir)
    assert Path(library) == Path(package).parent / _native._FILENAME
    assert name == "Jane"
