"""Initialisation regime: coordinates, classification, refusal, `xi --init`, and simulated weight changes.

Classification references are the inequalities of Luo, Xu, Ma & Zhang (2021) typed in point by point
(NOTES_DYNAMICS.md row 2); the simulations (numpy two-layer ReLU networks, n = 6 points on S^1) are
the independent side: the sign of the log-log slope of RD against the width must match the regime.
"""

import json

import numpy as np
import pytest
import sympy
from click.testing import CliRunner
from sympy import Rational as R

from asympt.cli.main import main
from asympt.dynamics.regime import (classify, coordinates, init_kernel, init_scales, parse_scale, rd_exponent,
                                    regime, simulate_drift, simulate_regime)
from asympt.dynamics.spectral_bias import width_symbol as m
from asympt.core.errors import InvalidInput, NotSupported

# (gamma, gamma') -> regime, typed from the phase diagram (NOTES_DYNAMICS.md, T1 table + boundary cases)
POINTS = [((R(1, 2), 0), "linear"), ((R(1, 2), R(1, 2)), "linear"), ((R(1, 4), R(-1, 4)), "linear"),
          ((R(3, 4), R(1, 4)), "linear"), ((R(3, 2), 1), "linear"), ((1, 0), "critical"),
          ((R(3, 2), R(1, 2)), "critical"), ((1, R(-1, 2)), "critical"), ((R(3, 2), 0), "condensed"),
          ((2, R(1, 2)), "condensed"), ((R(5, 4), R(-1, 2)), "condensed"), ((1, R(1, 10)), "linear")]


@pytest.mark.parametrize(("point", "want"), POINTS)
def test_classification_table(point, want):
    reg, why = classify(*point)
    assert reg == want
    s = rd_exponent(*point)
    assert (s < 0) == (want == "linear") and (s == 0) == (want == "critical")


@pytest.mark.parametrize(("text", "want"), [("m**0.5", sympy.sqrt(m)), ("m^(1/2)", sympy.sqrt(m)), ("1", 1),
                                            ("2*m**-1", 2 / m), ("sqrt(2/m)", sympy.sqrt(2) / sympy.sqrt(m)),
                                            ("m/4", m / 4), ("0.1*m**(0.25)", m ** R(1, 4) / 10)])
def test_parse_scale(text, want):
    assert sympy.simplify(parse_scale(text) - want) == 0


@pytest.mark.parametrize(("text", "msg"), [("m+1", "monomial"), ("__import__('os')", "monomial"),
                                           ("-m", "monomial|positive"), ("m**m", "monomial"), ("d", "dimension"),
                                           ("0", "positive"), ("m**1000", "at most"), ("exp(m)", "monomial")])
def test_parse_scale_rejects(text, msg):
    with pytest.raises(InvalidInput, match=msg):
        parse_scale(text)


def test_named_inits_coordinates():
    got = {name: coordinates(*init_scales(name, 10)) for name in ("ntk", "mean-field", "lecun", "he", "xavier")}
    assert got == {"ntk": (R(1, 2), 0), "mean-field": (1, 0), "lecun": (R(1, 2), R(1, 2)), "he": (R(1, 2), R(1, 2)),
                   "xavier": (1, 0)}


def test_regime_report_and_refusal():
    out = regime("lecun", dim=3, width=800)
    assert out.regime == "linear" and out.theta_lazy and out.kernel["weights"] == ["3", "800"]
    assert out.parts[0]["alpha"] == "3" and out.parts[1]["alpha"] == "5"      # u k0 ~ k^-d, k1 ~ k^-(d+2)
    assert out.crossover_degree == pytest.approx(28.28, rel=1e-3)
    crit = regime(gamma=R(3, 2), gamma_prime=R(1, 2))
    assert crit.regime == "critical" and crit.xi is None and "not defined" in crit.refusal
    assert crit.to_dict()["xi"] is None
    with pytest.raises(NotSupported, match="critical"):
        init_kernel("mean-field", dim=3)
    with pytest.raises(InvalidInput, match="exactly one"):
        regime("ntk", alpha="m")


def test_crossover_degree_against_the_typed_constants():
    """LeCun, d = 3: (m/d) k1 ~ (m/d) A1 k^-5 and u k0 ~ A0 k^-3 (even k), equal at k*.

    A's from theory section 5 with the plain (halved) kernels: k1/2 -> c+ = sqrt2/(3pi), u k0 -> c+ = -1/(sqrt2 pi)
    (leading terms of the halved kappa1 and of u kappa0 / 2 at u = 1); mu_k ~ 2 c+ M(gamma, 3) k^-(2+2 gamma).
    """
    import mpmath

    M = lambda g: 2 ** (g + 1) * mpmath.gamma(1.5) * mpmath.gamma(g + 1) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(-g))  # noqa: E731
    A1 = 2 * mpmath.sqrt(2) / (3 * mpmath.pi) * M(1.5)
    A0 = 2 * (-1 / (mpmath.sqrt(2) * mpmath.pi)) * M(0.5)
    width = 800
    kstar = float(mpmath.sqrt(width / 3 * A1 / A0))
    # full precision now: the crossover degree agrees with the typed constants far beyond 4 digits
    assert regime("lecun", dim=3, width=width).crossover_degree == pytest.approx(kstar, rel=1e-10)


def test_cli_regime_and_xi_init():
    r = CliRunner().invoke(main, ["regime", "--alpha", "m**0.5", "--beta1", "1", "--beta2", "1", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert (d["gamma"], d["gamma_prime"], d["regime"]) == ("1/2", "0", "linear")
    r = CliRunner().invoke(main, ["regime", "--alpha", "m+1"])
    assert r.exit_code == 1 and r.output.startswith("Error: scale must be a monomial")
    r = CliRunner().invoke(main, ["xi", "--dim", "3", "--init", "mean-field"])
    assert r.exit_code == 1 and "critical" in r.output and r.output.count("\n") == 1
    r = CliRunner().invoke(main, ["xi", "--dim", "3", "--init", "lecun"])
    assert r.exit_code == 1 and "width" in r.output and r.output.count("\n") == 1
    r = CliRunner().invoke(main, ["xi", "--dim", "3", "--init", "ntk", "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["xi"]["exact"] == "1"


def test_xi_init_uses_the_layer_weighted_kernel():
    """At a small width LeCun's kernel is dominated by the first-layer part u k0 up to high degree."""
    from asympt.laws.loss import loss_law

    k = init_kernel("lecun", dim=10, width=4096)
    assert k.network.layer_weights == (10, 4096)
    law = loss_law(k, 10, "neuron")
    assert law.xi == R(3, 10)
    # the readout part alone (the infinite-width limit at gamma' > 0) has the RF exponent
    assert regime("lecun", dim=10, width=4096).xi_before_crossover == R(1, 4)


# ---- simulations ------------------------------------------------------------------------------------------

def test_rd_slopes_have_the_regime_signs_small():
    pts = [(R(1, 2), 0), (1, 0), (R(3, 2), 0), (R(3, 2), 1)]
    out = simulate_regime(pts, [250, 1000, 4000], seed=0)
    slopes = {(o.gamma, o.gamma_prime): (o.regime, o.slope) for o in out}
    for reg, s in slopes.values():
        if reg == "linear":
            assert s < -0.3
        elif reg == "critical":
            assert abs(s) < 0.1
        else:
            assert s > 0.15
    assert all(r["converged"] for o in out for r in o.rows)


def test_theta_lazy_drift_set_by_kappa_not_width_small():
    rows = simulate_drift([4, 16, 64], [2000], seed=0)
    slope_kappa = np.polyfit(np.log([4, 16, 64]), np.log([r["rd"] for r in rows]), 1)[0]
    assert -1.2 <= slope_kappa <= -0.7
    rows = simulate_drift([16], [500, 2000, 8000], seed=0)
    slope_m = np.polyfit(np.log([500, 2000, 8000]), np.log([r["rd"] for r in rows]), 1)[0]
    assert abs(slope_m) < 0.15


def test_simulation_is_seeded():
    a = simulate_regime([(R(1, 2), 0)], [100, 200], seed=3)
    b = simulate_regime([(R(1, 2), 0)], [100, 200], seed=3)
    assert a == b


@pytest.mark.slow
def test_rd_slopes_at_ten_points_up_to_width_32000():
    pts = [p for p, _ in POINTS if p != (1, R(1, 10))]
    out = simulate_regime(pts, [500, 2000, 8000, 32000], seed=0, max_steps=5000)
    assert len(out) >= 10
    for o in out:
        if o.regime == "linear":
            assert o.slope < -0.3, o
        elif o.regime == "critical":
            assert abs(o.slope) < 0.1, o
        else:
            assert o.slope > 0.15 and o.rows[-1]["rd"] > 1, o


@pytest.mark.slow
def test_theta_lazy_drift_up_to_width_64000():
    rows = simulate_drift([16], [1000, 4000, 16000, 64000], seed=0)
    ws = [r["width"] for r in rows]
    assert abs(np.polyfit(np.log(ws), np.log([r["rd"] for r in rows]), 1)[0]) < 0.15
    assert abs(np.polyfit(np.log(ws), np.log([r["kernel_drift"] for r in rows]), 1)[0]) < 0.15


@pytest.mark.parametrize("gamma", ["1e1000000000", "9" * 200, "abc", float("nan"), float("inf"), "1/0", "2e3", True])
def test_coordinates_are_checked_before_conversion(gamma):
    from asympt.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        regime(gamma=gamma, gamma_prime=0)


def test_coordinates_in_every_exact_form_agree():
    import sympy

    # gamma = 3/2 > 1 and gamma' = 0 < gamma - 1: condensed (Luo, Xu, Ma & Zhang 2021), whatever the spelling
    for g in ("3/2", "1.5", "15e-1", 1.5, sympy.Rational(3, 2)):
        assert regime(gamma=g, gamma_prime=0).regime == "condensed"
