"""asympt/docs/api.md is executable: every example in the API guide runs and prints what the page shows."""

from __future__ import annotations

import doctest
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[1] / "asympt" / "docs" / "api.md"


def test_api_guide_examples_run():
    result = doctest.testfile(str(GUIDE), module_relative=False, optionflags=doctest.ELLIPSIS
                              | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted >= 15
    assert result.failed == 0


def test_the_doctest_runner_sees_a_wrong_example(tmp_path):
    """The check can fail: a page whose shown output is wrong is reported."""
    bad = tmp_path / "bad.md"
    bad.write_text(">>> import asympt\n>>> asympt.ntk('relu').value_at_one\n3\n")
    result = doctest.testfile(str(bad), module_relative=False, report=False, verbose=False)
    assert result.failed == 1
