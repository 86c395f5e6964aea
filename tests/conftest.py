"""Shared test configuration: every test must leave mpmath's global precision untouched."""

import mpmath
import pytest


@pytest.fixture(autouse=True)
def _mp_precision_restored():
    before = mpmath.mp.dps
    yield
    after = mpmath.mp.dps
    mpmath.mp.dps = 15
    assert after == before == 15, f"test changed mpmath.mp.dps ({before} -> {after})"
