"""The wheel: one command builds it; it installs on glibc 2.17 and newer (manylinux2014), carries
the license texts, and installed in a fresh venv it works on its own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

import usertoken
from usertoken import _native
from support import API_KEY, BINDING, ROOT, SITE_ID, STAFF

# The wheel's library is a release build of its own (linked by zig); `make test-python` makes it
# before pytest starts, but a run of this file alone may have to wait for it.
pytestmark = pytest.mark.timeout(1200)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(["make", "-C", str(BINDING), "wheel", f"PYTHON={sys.executable}", f"DIST={dist}"],
                   check=True, capture_output=True, text=True, timeout=600)
    (built,) = dist.glob("usertoken-*.whl")
    return built


def test_the_wheel_carries_the_library_and_the_manylinux2014_tag(wheel):
    assert wheel.name == f"usertoken-{usertoken.__version__}-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
    names = zipfile.ZipFile(wheel).namelist()
    assert f"usertoken/{_native._FILENAME}" in names
    assert "usertoken/py.typed" in names
    assert "Root-Is-Purelib: false" in zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/WHEEL"))).decode()


def test_auditwheel_confirms_glibc_2_17(wheel):
    shown = subprocess.run([sys.executable, "-m", "auditwheel", "show", str(wheel)], check=True,
                           capture_output=True, text=True, env=dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")).stdout
    assert 'consistent with the following platform tag: "manylinux_2_17_x86_64"' in " ".join(shown.split()), shown


def test_the_library_needs_no_glibc_newer_than_2_17(wheel, tmp_path):
    library = zipfile.ZipFile(wheel).extract(f"usertoken/{_native._FILENAME}", tmp_path)
    versions = subprocess.run(["readelf", "--version-info", "--wide", library],
                              check=True, capture_output=True, text=True).stdout
    needed = {tuple(int(part) for part in found.split("."))
              for found in re.findall(r"Name: GLIBC_([0-9.]+)", versions)}
    assert needed and max(needed) <= (2, 17), sorted(needed)


def test_the_wheel_carries_the_license_texts_and_the_repository(wheel):
    archive = zipfile.ZipFile(wheel)
    metadata = archive.read(f"usertoken-{usertoken.__version__}.dist-info/METADATA").decode()
    assert "License-Expression: MIT OR Apache-2.0" in metadata
    assert "Project-URL: Repository, https://github.com/usertoken/usertoken" in metadata
    for name in ("LICENSE-MIT", "LICENSE-APACHE"):
        assert f"License-File: {name}" in metadata
        assert archive.read(f"usertoken-{usertoken.__version__}.dist-info/licenses/{name}") == (ROOT / name).read_bytes()


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
