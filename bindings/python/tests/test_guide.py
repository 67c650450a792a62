"""docs/testing-with-the-emulator.md quotes this suite's pytest fixture and the test that uses
it exactly as they are (the suite runs both: conftest.py takes its emulator from the fixture)."""

from __future__ import annotations

import re

import pytest

from support import ROOT

GUIDE = ROOT / "docs" / "testing-with-the-emulator.md"


@pytest.mark.parametrize("path", ["bindings/python/tests/ut_emulator_fixture.py",
                                  "bindings/python/tests/test_with_the_emulator.py"])
def test_the_guide_quotes_the_file_as_it_is(path: str) -> None:
    quoted = re.search(rf"^<!-- snippet: {re.escape(path)} -->\n```python\n(.*?)^```$", GUIDE.read_text(),
                       flags=re.S | re.M)
    assert quoted, f"{GUIDE.name} does not quote {path}"
    assert quoted.group(1) == (ROOT / path).read_text()
