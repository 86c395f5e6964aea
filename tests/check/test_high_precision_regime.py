"""The local-exponent row refuses to judge when its own tolerance is at least half of xi."""

from asympt.checks.run import run_checks
from asympt.kernels.networks import ntk


def _local_row(dim):
    rep = run_checks(ntk("relu"), dim, "neuron", groups=("high-precision",))
    return next(r for r in rep.rows if r.name == "exact local exponent -> xi")


def test_row_is_judged_where_the_regime_is_reached():
    # d = 3: tolerance 0.004 on xi = 1, so the row can fail (tests/check/test_run_checks.py feeds wrong xi)
    row = _local_row(3)
    assert row.verdict == "pass" and row.values["tolerance"] < 0.5


def test_row_is_a_skip_when_the_tolerance_covers_half_of_xi():
    # d = 30: xi = 1/10 but the remaining movement at t^(-1/alpha), alpha = 30, is about 1: a pass there
    # could not fail, so the row says the regime is not reached
    row = _local_row(30)
    assert row.verdict == "skip" and "not reached" in row.detail
    assert row.values["tolerance"] >= 0.05
