"""Puts libusertoken into the wheel, and tags the wheel for this platform.

The library is copied into the built package (never into the source tree, where it would
shadow the build tree's fresh copy). It comes from $USERTOKEN_LIBRARY, else from the
repository's target/release.
"""

import os
import shutil
import sys
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
FILENAME = {"darwin": "libusertoken.dylib", "win32": "usertoken.dll"}.get(sys.platform, "libusertoken.so")


def library() -> Path:
    path = Path(os.environ.get("USERTOKEN_LIBRARY") or HERE.parents[1] / "target" / "release" / FILENAME)
    if not path.is_file():
        sys.exit(f"error: {path} not found: run `make build` at the repository root, "
                 "or set USERTOKEN_LIBRARY to the library to package")
    return path


class BuildWithLibrary(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "usertoken" / FILENAME
        # resolve(): the build tree's file may be a link; the wheel needs the bytes.
        shutil.copyfile(library().resolve(), target)
        os.chmod(target, 0o755)


class NativeDistribution(Distribution):
    def has_ext_modules(self) -> bool:
        return True  # it carries a native library: platform wheel, platlib install


class PlatformWheel(bdist_wheel):
    def get_tag(self):  # type: ignore[no-untyped-def]
        # Any Python 3 (ctypes, no extension module), but only this platform.
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(distclass=NativeDistribution, cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel})
