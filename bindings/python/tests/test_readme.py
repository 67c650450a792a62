"""The quick starts of this package's README and of the repository's README run as written
against the emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from support import API_KEY, BINDING


def python_block(readme: Path, heading: str) -> str:
    section = readme.read_text().split(heading, 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return code


def run(code: str, emulator, tmp_path) -> list[str]:
    script = tmp_path / "quickstart.py"
    script.write_text(code)
    env = dict(os.environ, MINDBODY_BASE_URL=emulator.url, MINDBODY_API_KEY=API_KEY,
               PYTHONPATH=str(BINDING))
    result = subprocess.run([sys.executable, str(script)], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Site Owner - expires ")
    assert lines[1].startswith("renewed until ")
    return lines[2:]


def test_the_quick_start_runs(emulator, tmp_path):
    rest = run(python_block(BINDING / "README.md", "## Quick start"), emulator, tmp_path)
    assert re.fullmatch(r"session token of \d+ characters", rest[0])
    assert rest[1:] == [
        "async: issued and revoked a token for Jane", "denied: 403 DeniedAccess",
        "restored the same token: True", "requests sent to restore it: 0",
        "a new token after invalidate: True", "async session token: True",
        "issue: 6 calls, 6 requests, failed: {'UT_DENIED': 1}",
    ]


def test_the_repository_readme_quick_start_runs(emulator, tmp_path):
    readme = BINDING.parent.parent / "README.md"
    assert run(python_block(readme, "## Python quick start"), emulator, tmp_path) == [
        "denied: 403 DeniedAccess"]
