"""The README's quick start runs as written against the emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from support import API_KEY, BINDING


def quick_start() -> str:
    readme = (BINDING / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return code


def test_the_quick_start_runs(emulator, tmp_path):
    script = tmp_path / "quickstart.py"
    script.write_text(quick_start())
    env = dict(os.environ, MINDBODY_BASE_URL=emulator.url, MINDBODY_API_KEY=API_KEY,
               PYTHONPATH=str(BINDING))
    result = subprocess.run([sys.executable, str(script)], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Site Owner - expires ")
    assert lines[1].startswith("renewed until ")
    assert re.fullmatch(r"session token of \d+ characters", lines[2])
    assert lines[3:] == ["async: issued and revoked a token for Jane", "denied: 401 DeniedAccess"]
