"""Tests of asympt.dynamics.horizon: predicted displacement, departure time, CLI.

Independent sides: the numpy trainer (asympt.numerics.twolayer, no formula-side import) for the
displacement; eigendecompositions of Gram matrices on many sampled points (no Funk-Hecke) for the
population sum; synthetic curves with a known width law for the fits.
"""

import dataclasses
import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from asympt.cli.main import main
from asympt.dynamics.horizon import (DataKernel, departure_time, displacement, fit_departure, fit_horizon,
                                     layer_kernels, simulate_horizon)
from asympt.dynamics.simulate import HorizonRun
from asympt.kernels.networks import ntk
from asympt.numerics import twolayer as tl

# setting A of the issue: d = 2, first-layer bias, a, w ~ N(0, 1), NTK parameterisation, half-space target
KA = ntk("relu", 2, sigma_w=[1, 1], sigma_b=[1, 0])
# setting B: d = 3, bias-free ReLU (plain Gaussian arc-cosine kernels k1 + u k0), ReLU neuron
KB = ntk("relu", 2, sigma_w=[1, 1])


def test_layer_kernels_sum_to_the_ntk():
    u = np.linspace(-1, 1, 41)
    parts = layer_kernels(KA)
    assert [l for l, _ in parts] == [1, 2]
    assert np.allclose(sum(k(u) for _, k in parts), KA(u), atol=1e-13)


def test_population_displacement_matches_gram_eigendecomposition():
    """The Funk-Hecke sum against n = 2500 sampled points (Gram matrices, no Funk-Hecke, no e_k).

    The multiplicity convention matters here: with N(d,k) e_k in place of e_k the d = 3 prediction
    is off by a factor of about 2 (3 for degree 1, 5 for degree 2). Tolerance 5 %: the sample's own
    energies of the top degrees, which dominate at these times, fluctuate by O(1/sqrt(n)) ~ 3 %.
    """
    rng = np.random.default_rng(1)
    X = tl.sample_sphere(1000, 3, rng)
    y = tl.teacher("relu", X, np.array([0.0, 0.0, 1.0]))
    dk = DataKernel(KB, X, y)
    lr = 1.0
    for t in (2.0, 10.0):
        pred = displacement(KB, 3, "neuron", [t], lr=lr)
        got = dk.displacement(int(t / lr), lr)
        for row in pred.layers:
            assert got[row.layer] == pytest.approx(row.D[0], rel=0.05), (t, row.layer)


def test_logarithmic_law_against_the_exact_sum():
    out = displacement(KB, 3, "neuron", [1e4, 1e6])               # xi = 1: D_1^2 ~ (1/3) log t
    law = out.layers[0].law
    assert law.kind == "logarithmic"
    d2 = [D**2 for D in out.layers[0].D]
    assert (d2[1] - d2[0]) / (law.constant_D2_value * math.log(100)) == pytest.approx(1, abs=0.05)


@pytest.mark.slow
def test_power_law_against_the_exact_sum():
    out = displacement(KA, 2, "halfspace", [1e5])                 # D_1 ~ sqrt(C) t^(1/4), C = 0.39303
    law = out.layers[0].law
    assert law.kind == "power" and str(law.exponent_D) == "1/4"
    for t, D in zip(out.times, out.layers[0].D):
        assert D / (law.constant_D_value * t**0.25) == pytest.approx(1, abs=0.02)
    assert out.layers[1].law.kind == "finite"


def test_gradient_descent_factors():
    """GD (1 - eta mu)^s differs from the flow at large eta mu; both are bounded by t^2 mu^[l] e_k."""
    flow = displacement(KA, 2, "halfspace", [2.0]).layers[0].D[0]
    gd = displacement(KA, 2, "halfspace", [2.0], lr=1.0).layers[0].D[0]
    assert gd > flow                     # 1 - (1 - mu)^2 > 1 - exp(-2 mu) for 0 < mu < 1


def _measure(widths, seeds, samples, t, setting="A"):
    k, d, target = (KA, 2, "halfspace") if setting == "A" else (KB, 3, "neuron")
    sim = simulate_horizon(k, d, target, widths, samples=samples, seeds=seeds, t_max=t, record_times=[t],
                           bands=False)
    s = sim.steps
    pred = displacement(k, d, target, [s * sim.lr], lr=sim.lr)
    return sim, s, pred


def _check_displacement(sim, s, pred, kernel_regime_only=False):
    """Every run within 10 % (or, with ``kernel_regime_only``, every run whose loss is still within 10 %
    of the kernel loss at that time, by the horizon's own criterion, which never looks at weights)."""
    D1, D2 = (row.D[0] for row in pred.layers)
    full = pred.all_parameters_D[0]
    meas = {}
    inside = [r for r in sim.runs if abs(r.loss[s] / r.kernel_loss[s] - 1) < 0.1]
    if kernel_regime_only:
        assert len(inside) >= 3, "too few runs in the kernel regime"
    for r in sim.runs:
        m1, m2 = r.displacement[s]["measured"]
        if kernel_regime_only and r not in inside:
            continue
        assert abs(m1 / D1 - 1) <= 0.10, (r.width, r.seed, m1, D1)
        assert abs(m2 / D2 - 1) <= 0.10, (r.width, r.seed, m2, D2)
        # the whole-kernel norm in place of the layer kernel fails
        assert abs(m1 / full - 1) > 0.10
        meas.setdefault(r.width, []).append(m1)
    # a 1/m law (calibrated at the smallest width) fails at the others
    ws = sorted(meas)
    ref = np.mean(meas[ws[0]]) * ws[0]
    assert all(abs(np.mean(meas[m]) / (ref / m) - 1) > 0.10 for m in ws[1:])


def test_displacement_matches_trained_networks_fast():
    """Small representative of H1: 2 widths x 2 seeds, n = 1000, t = 50 (kernel regime)."""
    _check_displacement(*_measure([250, 1000], 2, 1000, 50.0))


def test_multiplicity_convention_would_fail():
    """N(d,k) e_k in place of e_k (e_k already sums the N(d,k) harmonics) misses the networks by > 10 %."""
    from asympt.dynamics.displacement import gd_factor, spectrum_values
    from asympt.targets import parse_target

    sim, s, pred = _measure([500], 2, 1000, 50.0)
    lr, t = sim.lr, s * sim.lr
    mu, _ = spectrum_values(KA, 2, 256)
    mu1, _ = spectrum_values(layer_kernels(KA)[0][1], 2, 256)
    e = [float(x) for x in parse_target("halfspace").energies(2, 256, dps=15)]
    wrong = math.sqrt(sum(tl.multiplicity(2, k) * e[k] * gd_factor(mu[k], t, lr) ** 2 * mu1[k] / mu[k] ** 2
                          for k in range(257) if mu[k] > 0))
    for r in sim.runs:
        assert abs(r.displacement[s]["measured"][0] / wrong - 1) > 0.10


@pytest.mark.slow
def test_H1_displacement_three_widths_three_seeds():
    """H1: 3 widths x 3 seeds, n = 1000, t = 50, within 10 % (about 40 s on 2 busy cores)."""
    _check_displacement(*_measure([250, 1000, 4000], 3, 1000, 50.0))


@pytest.mark.slow
def test_H1_displacement_setting_B():
    """d = 3 bias-free ReLU, ReLU neuron: some runs (m = 250, and one seed at m = 1000) have a loss ratio of
    1.4 to 2 already at t = 10 (outside the kernel regime; their readout moves up to 26 % more than
    predicted), so only the runs still in the kernel regime are held to 10 %."""
    _check_displacement(*_measure([250, 1000, 4000], 3, 1000, 50.0, setting="B"), kernel_regime_only=True)


def test_departure_time_ignores_excursions():
    r = [1.0, 1.2, 1.0, 1.02, 1.05, 1.12, 1.2]
    t = departure_time(r, 0.5, 0.1)
    assert 0.5 * 4 < t < 0.5 * 5
    assert departure_time([1.0, 1.2, 1.05], 1.0, 0.1) is None


def _synthetic_runs(widths, seeds, w_true, p=1.5, noise=0.02, steps=4000, lr=0.5, seed=0):
    """ratio(t, m) = (1 + eps) (1 + (t / tau(m))^p) with tau = 20 (m / 100)^w_true and a static offset eps."""
    rng = np.random.default_rng(seed)
    t = np.arange(steps + 1) * lr
    runs = []
    for m in widths:
        tau = 20 * (m / 100) ** w_true
        for s in range(seeds):
            eps = noise * rng.standard_normal() * math.sqrt(100 / m)
            ratio = (1 + eps) * (1 + (t / tau) ** p * 0.1)
            runs.append(HorizonRun(seed=s, width=m, loss=ratio, kernel_loss=np.ones_like(t)))
    return runs


def test_fit_departure_recovers_a_known_width_law():
    runs = _synthetic_runs([100, 400], 3, 0.4)
    out = fit_departure(runs, 0.5, 0.1, 1600)
    truth = 20 * 16**0.4                     # (t/tau)^p * 0.1 = 0.1 at t = tau
    assert out.width_exponent == pytest.approx(0.4, abs=0.05)
    assert out.t_tol == pytest.approx(truth, rel=0.1)
    lo, hi = out.t_tol_ci
    assert lo <= out.t_tol <= hi


def test_fit_horizon_interval_contains_the_truth():
    rng = np.random.default_rng(3)
    ms = [100] * 4 + [400] * 4 + [1600] * 4
    ts = [10 * (m / 100) ** 0.5 * math.exp(0.1 * rng.standard_normal()) for m in ms]
    out = fit_horizon(ms, ts, 6400)
    assert out.q_ci[0] <= 0.5 <= out.q_ci[1]
    lo, hi = out.t_tol_prediction_interval
    assert lo <= 80 <= hi


# ---- CLI --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "code", "message"), [
    (["--calibrate", "251"], 1, "even integers"),
    (["--calibrate", "abc"], 1, "list of even integers"),
    (["--tol", "2"], 2, "'--tol'"),
    (["--bias", "1", "--calibrate", "250"], 1, "no output bias"),
    (["--target", "sobolev:2", "--calibrate", "250"], 1, "relu neuron or a half-space"),
    (["--samples", "20000", "--calibrate", "20000"], 1, "GB"),
    (["--plot", "/nonexistent/dir/x.png"], 1, "plot"),
    (["--early", "--target", "sobolev:2"], 1, "--early --target"),
    (["--simulate"], 1, "--early"),
    (["--calibrate", "none", "--tol", "nan"], 1, "finite"),
    (["--calibrate", "none", "--lr", "inf"], 1, "finite"),
])
def test_cli_errors_are_one_line(args, code, message):
    res = CliRunner().invoke(main, ["horizon", "--dim", "2", "--width", "4000", *args])
    assert res.exit_code == code, res.output
    assert message in res.output
    assert "Traceback" not in res.output and res.output.count("Error:") == 1


def test_cli_formula_side_json():
    res = CliRunner().invoke(main, ["horizon", "--dim", "3", "--sigma-w", "1,1", "--width", "4000",
                                    "--calibrate", "none", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["law"]["xi"] == "1"
    assert data["displacement"]["layers"][0]["law"]["kind"] == "logarithmic"
    rd = data["displacement"]["layers"][0]["RD"]["4000"]
    assert rd[-1] == pytest.approx(data["displacement"]["layers"][0]["D"][-1] / math.sqrt(4000 * 3), rel=1e-3)


def test_cli_small_calibration_text():
    res = CliRunner().invoke(main, ["horizon", "--dim", "2", "--sigma-w", "1,1", "--sigma-b", "1,0", "--target",
                                    "halfspace", "--width", "4000", "--calibrate", "100,400", "--samples", "200",
                                    "--tmax", "200"])
    assert res.exit_code == 0, res.output
    assert "empirical, extrapolated" in res.output or "t_tol(m):" in res.output
    assert "Decades of the power law" in res.output or "Theory" in res.output


def _h2(setting, seed_cal=0, seed_meas=100):
    from asympt.dynamics.horizon import horizon

    k, d, target = (KA, 2, "halfspace") if setting == "A" else (KB, 3, "neuron")
    out = horizon(k, d, target, width=4000, calibrate=(250, 1000), samples=1000, seeds=2, seed=seed_cal, t_max=400)
    pred = out.fit.t_tol
    sim = simulate_horizon(k, d, target, [4000], samples=1000, seeds=2, seed=seed_meas, t_max=1200, bands=False)
    meas = fit_departure(list(sim.runs) + [dataclasses.replace(r, width=2) for r in sim.runs], sim.lr, 0.1, 4000)
    return pred, meas.t_tol_calibrated[4000], out


_H2_B = pytest.mark.xfail(strict=False, reason=(
    "measured 2026-12-06: d = 3 bias-free ReLU, ReLU neuron: the widths 250 and 1000 leave the kernel curve "
    "at t ~ 1-3 (loss ratio 1.4-2 on some data sets from t ~ 1 on), m = 4000 only at t ~ 490; the power law "
    "through 250 and 1000 predicts 7.9 (factor 62 off)"))


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["A", pytest.param("B", marks=_H2_B)])
def test_H2_extrapolated_departure_time(setting):
    """H2: calibrated on m = 250, 1000 (n = 1000, t <= 400, 2 seeds), predicted t_tol at m = 4000 within a
    factor 1.5 of the one measured on fresh seeds (seed-averaged ratio curve)."""
    pred, meas, _ = _h2(setting)
    assert 1 / 1.5 <= pred / meas <= 1.5, (pred, meas)


@pytest.mark.parametrize("widths", [(250, 1000), pytest.param((250, 500, 1000), marks=pytest.mark.slow)])
def test_check_rows_can_fail(monkeypatch, widths):
    """The rows for `asympt check --only horizon`: a displacement formula off by 30 % fails."""
    import asympt.dynamics.horizon as hz

    kw = dict(widths=widths, samples=500, seeds=2, t_max=160)
    rows = hz.check_rows(KA, 2, "halfspace", **kw)
    assert rows[0]["verdict"] == "pass", rows[0]
    assert rows[1]["verdict"] in ("pass", "fail", "skipped") and "t_tol" in rows[1]["name"] + rows[1]["note"]
    if len(widths) < 3:
        assert rows[1]["verdict"] == "skipped"
    real = hz.displacement

    def wrong(*a, **k):
        out = real(*a, **k)
        first = dataclasses.replace(out.layers[0], D=tuple(1.3 * x for x in out.layers[0].D))
        return dataclasses.replace(out, layers=(first, *out.layers[1:]))
    monkeypatch.setattr(hz, "displacement", wrong)
    assert hz.check_rows(KA, 2, "halfspace", **kw)[0]["verdict"] == "fail"


def test_static_departure_recedes_with_width():
    """The linearised network's own initial kernel approaches the limit: later departure at larger m."""
    from asympt.dynamics.horizon import static_departure

    small = static_departure(KB, 3, "neuron", 50, samples=200, seeds=2, t_max=50, horizon_factor=10)
    large = static_departure(KB, 3, "neuron", 20000, samples=200, seeds=2, t_max=50, horizon_factor=10)
    assert small.t_tol_seed_averaged is not None
    assert large.t_tol_seed_averaged is None or large.t_tol_seed_averaged > 3 * small.t_tol_seed_averaged


def test_horizon_figures_draw_the_result(tmp_path):
    """--plot draws the result it is given: every step's seed-mean losses (calibrated run) or the predicted
    displacement of each layer (formula side only)."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from asympt.cli.horizon import _plot
    from asympt.dynamics.horizon import horizon

    out = horizon(KA, 2, "halfspace", width=800, calibrate=(100, 400), samples=200, seeds=2, t_max=50)
    seen = {}
    real_savefig = plt.Figure.savefig

    def keep(fig, path, *a, **k):
        seen["lines"] = [ln.get_ydata() for ln in fig.axes[0].lines]
        return real_savefig(fig, path, *a, **k)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(plt.Figure, "savefig", keep)
        _plot(out, tmp_path / "cal.png")
        kernel, net100 = seen["lines"][0], seen["lines"][1]
        # each seed has its own sample: the kernel curve drawn is the seed mean, like the networks'
        assert np.allclose(kernel, np.mean([r.kernel_loss for r in out.simulation.at_width(100)], axis=0)[1:])
        assert np.allclose(net100, np.mean([r.loss for r in out.simulation.at_width(100)], axis=0)[1:])
        formula = horizon(KA, 2, "halfspace", width=800, calibrate=(), t_max=50)
        _plot(formula, tmp_path / "disp.png")
        assert [list(y) for y in seen["lines"]] == [list(layer.D) for layer in formula.displacement.layers]
    assert (tmp_path / "cal.png").read_bytes()[:4] == b"\x89PNG"
