"""High-precision rows refuse to judge ("regime not reached") when the next term of their expansion says
so, decided from that bound and the prediction alone; where the regime is reached they judge and fail a 2 %
error."""

import functools

from asympt.checks.run import run_checks
from asympt.kernels.networks import ntk


@functools.lru_cache(maxsize=None)
def _rows(dim, a_factor=1.0):
    rep = run_checks(ntk("relu"), dim, "neuron", groups=("high-precision",), predicted={"A_factor": a_factor})
    return {r.name: r for r in rep.rows}


def test_local_exponent_is_judged_where_the_regime_is_reached():
    # d = 3: tolerance 0.004 on xi = 1, so the row can fail (tests/check/test_run_checks.py feeds wrong xi)
    row = _rows(3)["exact local exponent -> xi"]
    assert row.verdict == "pass" and row.values["tolerance"] < 0.5


def test_local_exponent_is_a_skip_when_the_tolerance_covers_half_of_xi():
    # d = 30: xi = 1/10 but the remaining movement at t^(-1/alpha), alpha = 30, is about 1: a pass there
    # could not fail, so the row says the regime is not reached
    row = _rows(30)["exact local exponent -> xi"]
    assert row.verdict == "skip" and "not reached" in row.detail
    assert row.values["tolerance"] >= 0.05


def test_mu_k_ratio_is_a_skip_at_large_dimension():
    # d = 30: mu_200 / (A 200^-30) is only 0.13 (corrections ~ d^2/k) and the Richardson changes grow
    # (0.04 -> 0.21) instead of shrinking like an O(1/k^2) term: no verdict, with the reason
    row = _rows(30)["mu_k / A k^-alpha -> 1"]
    assert row.verdict == "skip" and "not reached" in row.detail
    assert row.values["richardson_shrink"] > 0.5
    # the same decision with a constant 2 % off (the rule uses ratios of changes only)
    assert _rows(30, 1.02)["mu_k / A k^-alpha -> 1"].verdict == "skip"


def test_mu_k_ratio_is_judged_at_d3_and_a_two_percent_constant_fails():
    row = _rows(3)["mu_k / A k^-alpha -> 1"]
    assert row.verdict == "pass" and row.values["richardson_shrink"] < 0.5
    for f in (1.02, 0.98):
        assert _rows(3, f)["mu_k / A k^-alpha -> 1"].verdict == "fail"
