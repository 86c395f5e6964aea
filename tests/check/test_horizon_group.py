"""The opt-in 'horizon' group of run_checks: wiring to asympt.dynamics.horizon.check_rows."""

from asympt.checks.run import DEFAULT_GROUPS, GROUPS, run_checks
from asympt.kernels.networks import ntk


def test_horizon_is_opt_in():
    assert "horizon" in GROUPS and "horizon" not in DEFAULT_GROUPS


def test_unsupported_horizon_setting_is_a_skip_row_with_the_reason():
    # three layers: the simulation trains two-layer networks only, so the row says so instead of failing
    rep = run_checks(ntk("relu", layers=3), 3, "neuron", groups=("horizon",))
    assert [r.verdict for r in rep.rows] == ["skip"]
    assert "two-layer" in rep.rows[0].detail
