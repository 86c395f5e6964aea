"""Tests of asympt.numerics.finite_net, and Monte Carlo checks of asympt's analytic kernels with it.

The finite network is checked on its own first (backprop Jacobian against central differences,
factorised Gram against J J^T, linearised training against an explicit linear model). Then it serves
as the independent reference for ``asympt.kernels.networks.ntk`` / ``nngp``: the mean of the empirical kernel
over independent draws must match the infinite-width formula within its statistical error.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest

from asympt.numerics.finite_net import ACTIVATIONS, FiniteNetwork, get_activation, parse_train

SQRT2 = math.sqrt(2.0)


def he(layers):
    """He weight scales, written out here independently of asympt.core.conventions."""
    return [1.0] + [SQRT2] * (layers - 1)


def sphere_points(d, us, seed):
    """x_0 and points x_j with x_0.x_j = u_j exactly (u_0 = 1 gives x_0 itself), random directions."""
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal(d)
    x0 /= np.linalg.norm(x0)
    pts = []
    for u in us:
        v = rng.standard_normal(d)
        v -= (v @ x0) * x0
        v /= np.linalg.norm(v)
        pts.append(u * x0 + math.sqrt(max(0.0, 1.0 - u * u)) * v)
    return np.array(pts)


# ---- independence ------------------------------------------------------------------------------

def test_module_is_independent_of_the_formula_side():
    """finite_net (and its activations module) import only numpy, scipy and the standard library: never
    sympy, never another part of asympt (the one relative import is finite_net -> np_activations)."""
    import ast
    import subprocess
    import sys

    import asympt.numerics.finite_net as fn
    import asympt.numerics.np_activations as acts

    for mod, relative in ((fn, {"np_activations"}), (acts, set())):
        tree = ast.parse(open(mod.__file__, encoding="utf-8").read())
        roots = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        roots |= {n.module.split(".")[0] for n in ast.walk(tree)
                  if isinstance(n, ast.ImportFrom) and n.module and n.level == 0}
        rel = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0}
        assert rel == relative and all(n.level == 1 for n in ast.walk(tree)
                                       if isinstance(n, ast.ImportFrom) and n.level > 0), rel
        assert roots <= {"__future__", "dataclasses", "fractions", "math", "typing", "numpy", "scipy"}, roots
    code = "import sys, asympt.numerics.finite_net; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# ---- activations -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ACTIVATIONS) + ["relu^1.5", "relu^3/2", "leaky_relu:0.2"])
def test_derivative_matches_central_difference(name):
    phi, dphi = get_activation(name)
    x = np.array([-2.3, -1.1, -0.4, 0.3, 0.9, 1.7, 2.6])          # away from the kinks at 0
    eps = 1e-6
    fd = (phi(x + eps) - phi(x - eps)) / (2 * eps)
    np.testing.assert_allclose(dphi(x), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(("name", "kwargs", "x", "phi_x", "dphi_x"), [
    ("relu", {"power": 2.5}, 4.0, 32.0, 2.5 * 8.0),
    ("relu^0", {}, 2.0, 1.0, 0.0),                       # a = 0 is the step
    ("step", {}, 0.0, 0.0, 0.0),                         # H(0) = 0, as asympt's step
    ("relu2", {}, -3.0, 0.0, 0.0),
    ("relu3", {}, 2.0, 8.0, 12.0),
    ("leaky_relu", {}, -2.0, -0.02, 0.01),               # default slope 1/100
    ("leaky_relu", {"slope": 0.5}, -2.0, -1.0, 0.5),
    ("abs", {}, -3.0, 3.0, -1.0),
    ("erf", {}, 0.0, 0.0, 2 / math.sqrt(math.pi)),
    ("gelu", {}, 0.0, 0.0, 0.5),
    ("softplus", {}, 0.0, math.log(2.0), 0.5),
])
def test_activation_values(name, kwargs, x, phi_x, dphi_x):
    phi, dphi = get_activation(name, **kwargs)
    assert float(phi(np.array([x]))[0]) == pytest.approx(phi_x, rel=1e-14, abs=1e-15)
    assert float(dphi(np.array([x]))[0]) == pytest.approx(dphi_x, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    (("swish",), {}, "activation must be one of"),
    (("tanh",), {"power": 2}, "power applies to the relu^a family only"),
    (("relu",), {"power": -0.5}, "must be a finite number > -1/2"),
    (("relu^x",), {}, "exponent a of relu^a must be a number"),
    (("erf",), {"slope": 0.1}, "slope applies to leaky_relu only"),
    ((3,), {}, "activation must be a name"),
])
def test_get_activation_rejects(args, kwargs, message):
    with pytest.raises(ValueError) as err:
        get_activation(*args, **kwargs)
    assert message in str(err.value)


@pytest.mark.parametrize(("train", "expect"), [
    ("all", ((1, "w"), (1, "b"), (2, "w"), (2, "b"), (3, "w"), (3, "b"))),
    (None, ((1, "w"), (1, "b"), (2, "w"), (2, "b"), (3, "w"), (3, "b"))),
    ("last", ((3, "w"), (3, "b"))),
    ("last-weights", ((3, "w"),)),
    ("2", ((2, "w"), (2, "b"))),
    ("3, 1", ((1, "w"), (1, "b"), (3, "w"), (3, "b"))),
    ([2], ((2, "w"), (2, "b"))),
    ({(2, "b"), (1, "w")}, ((1, "w"), (2, "b"))),
])
def test_parse_train(train, expect):
    assert parse_train(train, 3) == expect


@pytest.mark.parametrize(("train", "message"), [
    ("first", "train must be 'all'"),
    ("4", "between 1 and 3: [4]"),
    ("", "at least one"),
    ([(1, "x")], "train entries must be"),
])
def test_parse_train_rejects(train, message):
    with pytest.raises(ValueError) as err:
        parse_train(train, 3)
    assert message in str(err.value)


def test_init_validates_and_is_reproducible():
    a = FiniteNetwork.init(4, 7, 3, seed=5)
    b = FiniteNetwork.init(4, 7, 3, seed=5)
    X = sphere_points(4, [1.0, 0.3], seed=0)
    assert np.array_equal(a.forward(X), b.forward(X))
    assert a.widths == (7, 7) and a.sigma_w == (1.0, SQRT2, SQRT2) and a.sigma_b == (0.0, 0.0, 0.0)
    assert FiniteNetwork.init(4, [3, 5], 3, seed=0).widths == (3, 5)
    for kwargs, message in [({"layers": 1}, "layers must be an integer >= 2"),
                            ({"width": [3]}, "width must be a positive integer or 2 of them"),
                            ({"sigma_w": [1, 2]}, "sigma_w must be one number or one per layer (3)"),
                            ({"sigma_b": -1.0}, "sigma_b must be finite and non-negative")]:
        args = {"d": 4, "width": 7, "layers": 3, **kwargs}
        with pytest.raises(ValueError) as err:
            FiniteNetwork.init(**args)
        assert message in str(err.value)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 4\)"):
        a.forward(np.ones((2, 3)))


# ---- 1. backprop Jacobian vs central differences --------------------------------------------------

@pytest.mark.parametrize("act", ["relu", "erf", "sin"])
@pytest.mark.parametrize("layers", [2, 3])
@pytest.mark.parametrize("bias", [0.0, 0.7])
def test_jacobian_matches_finite_differences(act, layers, bias):
    net = FiniteNetwork.init(3, 4, layers, sigma_b=bias, activation=act, seed=11)
    X = np.random.default_rng(2).standard_normal((5, 3))
    J = net.jacobian(X)
    theta = net.parameters()
    assert J.shape == (5, theta.size)
    eps = 1e-6
    fd = np.empty_like(J)
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = eps
        plus, minus = net.with_parameters(theta + e), net.with_parameters(theta - e)
        fd[:, k] = (plus.forward(X) - minus.forward(X)) / (2 * eps)
    # central differences: truncation O(eps^2) ~ 1e-12, rounding ~ 1e-16 / eps ~ 1e-10
    np.testing.assert_allclose(J, fd, rtol=1e-6, atol=1e-8)
    if bias == 0:
        bias_cols = np.concatenate([np.full(np.prod(s), p == "b") for (_, p), s in net.parameter_shapes()])
        assert not J[:, bias_cols].any()              # sigma_b = 0: biases do not act


def test_parameters_roundtrip_and_subset_order():
    net = FiniteNetwork.init(3, 4, 3, sigma_b=0.5, activation="tanh", seed=0)
    theta = net.parameters("1,3")
    assert np.array_equal(net.with_parameters(theta, "1,3").parameters(), net.parameters())
    X = np.random.default_rng(1).standard_normal((3, 3))
    full = net.jacobian(X)
    cols, k = {}, 0
    for pair, shape in net.parameter_shapes():
        cols[pair] = slice(k, k + int(np.prod(shape)))
        k += int(np.prod(shape))
    sub = net.jacobian(X, train=[(3, "b"), (1, "w")])
    np.testing.assert_array_equal(sub, np.concatenate([full[:, cols[(1, "w")]], full[:, cols[(3, "b")]]], axis=1))
    with pytest.raises(ValueError, match="theta must be a vector of"):
        net.with_parameters(theta[:-1], "1,3")


# ---- 2. factorised Gram == explicit J J^T ----------------------------------------------------------

@pytest.mark.parametrize("act", ["relu", "erf", "gelu", "abs"])
@pytest.mark.parametrize("train", ["all", "last", "last-weights", "1", "2", "1,3", [(2, "b")]])
def test_factorised_gram_equals_jacobian_product(act, train):
    net = FiniteNetwork.init(3, [5, 4], 3, sigma_b=0.3, activation=act, seed=4)
    rng = np.random.default_rng(9)
    X, Y = rng.standard_normal((4, 3)), rng.standard_normal((6, 3))
    np.testing.assert_allclose(net.empirical_ntk(X, Y, train=train),
                               net.jacobian(X, train) @ net.jacobian(Y, train).T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(net.empirical_ntk(X, train=train),
                               net.jacobian(X, train) @ net.jacobian(X, train).T, rtol=1e-12, atol=1e-12)


def test_nngp_is_last_layer_ntk():
    net = FiniteNetwork.init(5, 50, 4, sigma_w=1.3, sigma_b=0.4, activation="silu", seed=2)
    X = sphere_points(5, [1.0, 0.5, -0.5], seed=1)
    np.testing.assert_allclose(net.empirical_nngp(X), net.empirical_ntk(X, train="last"), rtol=1e-13)
    parts = net.empirical_ntk_parts(X)
    np.testing.assert_allclose(sum(parts.values()), net.empirical_ntk(X), rtol=1e-13)


# ---- 3. Monte Carlo vs asympt's analytic kernels ---------------------------------------------------
#
# For each case, `seeds` independent networks are drawn; the entries K_n(x_0, x_j) of each draw are iid
# with mean E K_n = K_inf + O(1/n) (exactly K_inf for L = 2, where the last hidden layer is independent
# of the readout). The test asserts |mean - K_inf| < 4 SE + 1e-8, SE = sample std / sqrt(seeds): an
# honest statistical tolerance (two-sided t_29 tail beyond 4 is ~4e-4 per entry; the O(1/n) bias is a
# small fraction of one SE at these widths). Seeds are fixed, so the outcome is deterministic. Measured
# (seeds 1000-1029): max |z| = 2.9 over all fast cases (erf-L3-nt NNGP; 200 seeds bring it to 1.4), 1.8
# over the slow ones. SE is 1-3% of the kernel value (up to 9% for single deep-layer terms), so a 5% error
# in asympt would show as 2 to 50 SE depending on the case.

US = (1.0, 0.95, 0.6, 0.2, -0.3, -0.7, -0.98)
NT = {"sigma_w": 1.5, "sigma_b": 0.2, "convention": "neural_tangents"}

# id: (activation, L, kwargs for asympt, finite-net sigma_w, finite-net sigma_b, d, width, seeds, trains)
# The finite-net scales are written out here, independently of how asympt interprets its kwargs.
CASES = {
    "relu-L2-he": ("relu", 2, {}, he(2), 0.0, 3, 2000, 30, ("all", "last", "1", "last-weights")),
    "relu-L3-he": ("relu", 3, {}, he(3), 0.0, 5, 700, 30, ("all", "last", "1", "2", "last-weights", "1,3")),
    "relu-L4-he": ("relu", 4, {}, he(4), 0.0, 3, 600, 30, ("all", "last", "2,4")),
    "relu-L2-bias1": ("relu", 2, {"bias": 1}, he(2), 1.0, 5, 2000, 30, ("all", "last", "1", "last-weights")),
    "relu-L3-bias1": ("relu", 3, {"bias": 1}, he(3), 1.0, 3, 700, 30, ("all", "last", "2")),
    "erf-L3-bias1": ("erf", 3, {"bias": 1}, he(3), 1.0, 5, 700, 30, ("all", "last")),
    "relu2-L2-he": ("relu2", 2, {}, he(2), 0.0, 3, 2000, 30, ("all", "last")),
    "sin-L2-he": ("sin", 2, {}, he(2), 0.0, 5, 2000, 30, ("all", "last")),
    "step-L2-he": ("step", 2, {}, he(2), 0.0, 3, 2000, 30, ("last",)),
    "step-L3-he": ("step", 3, {}, he(3), 0.0, 5, 700, 30, ("last",)),
    "abs-L3-he": ("abs", 3, {}, he(3), 0.0, 5, 700, 30, ("all", "last")),
    "erf-L3-nt": ("erf", 3, NT, [1.5] * 3, 0.2, 3, 700, 30, ("all", "last")),
    "relu-L3-nt": ("relu", 3, NT, [1.5] * 3, 0.2, 5, 700, 30, ("all", "last")),
}
# theory section 3's [V] setting (width 3000, 40 seeds), for a few cases.
SLOW_CASES = {
    "relu-L3-bias1-w3000": ("relu", 3, {"bias": 1}, he(3), 1.0, 5, 3000, 40, ("all", "last", "1", "2")),
    "erf-L3-bias1-w3000": ("erf", 3, {"bias": 1}, he(3), 1.0, 3, 3000, 40, ("all", "last")),
    "relu-L4-he-w3000": ("relu", 4, {}, he(4), 0.0, 5, 3000, 40, ("all", "last", "1")),
}
# Fast representative of the width-3000 family for the default suite: one case, 10 seeds, the full NTK.
FAST_W3000 = {"relu-L3-bias1-w3000-10seeds": ("relu", 3, {"bias": 1}, he(3), 1.0, 5, 3000, 10, ("all",))}
ALL_CASES = {**CASES, **SLOW_CASES, **FAST_W3000}


@lru_cache(maxsize=None)
def monte_carlo(case_id):
    """{train: (mean, standard error)} of K_n(x_0, x_j) over the case's seeds, and the u_j."""
    act, L, _, sw, sb, d, width, seeds, trains = ALL_CASES[case_id]
    X = sphere_points(d, US, seed=len(case_id))
    samples = {t: [] for t in trains}
    for s in range(seeds):
        net = FiniteNetwork.init(d, width, L, sw, sb, act, seed=1000 + s)
        parts = net.empirical_ntk_parts(X)              # one forward/backward pass per draw
        for t in trains:
            # "last" is the NNGP, the last-layer feature Gram (== empirical_nngp, tested above)
            samples[t].append(sum(parts[p] for p in parse_train(t, L))[0])
    out = {}
    for t, vals in samples.items():
        vals = np.array(vals)
        out[t] = (vals.mean(axis=0), vals.std(axis=0, ddof=1) / math.sqrt(seeds))
    return out, X @ X[0]


@lru_cache(maxsize=None)
def analytic(case_id, train):
    from asympt.kernels.networks import nngp, ntk

    act, L, kwargs = ALL_CASES[case_id][:3]
    return nngp(act, L, **kwargs) if train == "last" else ntk(act, L, train=train, **kwargs)


def _mc_params(cases, marks=()):
    return [pytest.param(cid, t, id=f"{cid}[{t}]", marks=marks) for cid, c in cases.items() for t in c[-1]]


@pytest.mark.parametrize(("case_id", "train"),
                         _mc_params(CASES) + _mc_params(FAST_W3000) + _mc_params(SLOW_CASES, marks=pytest.mark.slow))
def test_monte_carlo_matches_analytic_kernel(case_id, train):
    results, u = monte_carlo(case_id)
    mean, se = results[train]
    exact = analytic(case_id, train)(u)
    z = (mean - exact) / np.maximum(se, 1e-300)
    assert np.all(np.abs(mean - exact) < 4 * se + 1e-8), (
        f"{case_id} train={train}: u={u.round(3)} mc={mean.round(5)} analytic={exact.round(5)} "
        f"se={se.round(5)} z={z.round(2)}")


def test_monte_carlo_diagonal_sanity():
    """The He-scaled ReLU NTK has Theta^L(1) = L, the NNGP Sigma^L(1) = 1 (theory section 3)."""
    for cid, L in (("relu-L3-he", 3), ("relu-L4-he", 4)):
        results, _ = monte_carlo(cid)
        for train, target in (("all", L), ("last", 1.0)):
            mean, se = results[train]
            assert abs(mean[0] - target) < 4 * se[0]


# ---- 4. Frobenius error ~ width^(-1/2) -------------------------------------------------------------

def test_empirical_ntk_frobenius_error_decays_like_inverse_sqrt_width():
    from asympt.kernels.networks import ntk

    d, m, L = 5, 12, 3
    X = np.random.default_rng(3).standard_normal((m, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    exact = ntk("relu", L)(np.clip(X @ X.T, -1.0, 1.0))
    widths, seeds = (200, 800, 3200), 5
    errors = []
    for n in widths:
        rel = [np.linalg.norm(FiniteNetwork.init(d, n, L, he(L), 0.0, "relu", seed=s).empirical_ntk(X) - exact)
               / np.linalg.norm(exact) for s in range(seeds)]
        errors.append(np.mean(rel))
    slope = np.polyfit(np.log(widths), np.log(errors), 1)[0]
    assert -0.7 <= slope <= -0.3, f"slope {slope:.3f}, errors {np.round(errors, 4)}"


# ---- 5. training ----------------------------------------------------------------------------------

def _regression_problem(d=5, n=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    v = rng.standard_normal(d)
    y = np.sin(2.0 * X @ v / np.linalg.norm(v)) + 0.5 * (X[:, 0] ** 2 - 1.0 / d)
    return X, y


@pytest.mark.parametrize("center", [False, True])
def test_linearized_function_space_equals_explicit_linear_model(center):
    """f <- f - (lr/n) Theta_0 (f - y) is exactly GD on f_0 + J_0 (theta - theta_0)."""
    net = FiniteNetwork.init(5, 6, 3, sigma_b=0.4, activation="erf", seed=7)
    X, y = _regression_problem()
    train, lr, steps = "1,3", 0.3, 25
    res = net.train_gd(X, y, lr, steps, train=train, linearized=True, center=center)
    J, f0 = net.jacobian(X, train), net.forward(X)
    delta, losses = np.zeros(J.shape[1]), []
    for _ in range(steps + 1):
        f = (0.0 if center else f0) + J @ delta
        losses.append(0.5 * np.mean((f - y) ** 2))
        delta -= lr / len(y) * J.T @ (f - y)
    np.testing.assert_allclose(res.loss, losses, rtol=1e-10)
    assert res.network is None and list(res.steps) == list(range(steps + 1))


def test_nonlinear_gd_step_is_gradient_of_loss():
    """One GD step changes theta by exactly -lr * J^T (f - y) / n (checked against the Jacobian)."""
    net = FiniteNetwork.init(3, 5, 3, sigma_b=0.6, activation="tanh", seed=1)
    X, y = _regression_problem(d=3, n=6)
    train = [(1, "w"), (2, "b"), (3, "w")]
    res = net.train_gd(X, y, lr=0.1, steps=1, train=train)
    expect = net.parameters(train) - 0.1 * net.jacobian(X, train).T @ (net.forward(X) - y) / len(y)
    np.testing.assert_allclose(res.network.parameters(train), expect, rtol=1e-13, atol=1e-15)
    untouched = [(1, "b"), (2, "w"), (3, "b")]
    assert np.array_equal(res.network.parameters(untouched), net.parameters(untouched))
    assert not np.shares_memory(res.network.weights[0], net.weights[0])    # init is not modified


def test_record_every():
    net = FiniteNetwork.init(3, 5, 2, seed=1)
    X, y = _regression_problem(d=3, n=4)
    assert list(net.train_gd(X, y, 0.1, 10, record_every=4).steps) == [0, 4, 8, 10]
    assert list(net.train_gd(X, y, 0.1, 10, record_every=4, linearized=True).steps) == [0, 4, 8, 10]
    with pytest.raises(ValueError, match="y must have shape"):
        net.train_gd(X, y[:-1], 0.1, 10)


def _loss_deviation(layers, width, seed, lr=0.1, steps=40):
    """max over the loss history of |L_net - L_lin| / L_lin, both centred (f_0 = 0)."""
    X, y = _regression_problem()
    net = FiniteNetwork.init(5, width, layers, he(layers), 0.0, "relu", seed=seed)
    kwargs = dict(lr=lr, steps=steps, record_every=5, center=True)
    full = net.train_gd(X, y, **kwargs)
    lin = net.train_gd(X, y, linearized=True, **kwargs)
    return full, lin, float(np.max(np.abs(full.loss - lin.loss) / lin.loss))


def test_linearized_training_tracks_wide_network():
    """Lazy regime (Lee et al. 2019): at width 1000 (L = 3) the loss curves of the network and of its
    linearisation agree to a few percent while the loss falls to ~7% of its initial value."""
    full, lin, dev = _loss_deviation(3, 1000, seed=0)
    assert np.all(np.diff(lin.loss) < 0) and np.all(np.diff(full.loss) < 0)
    assert full.loss[-1] < 0.1 * full.loss[0]
    assert dev < 0.05, f"max relative loss difference {dev:.4f}"     # measured 0.027 (seeds 0-5: <= 0.027)
    assert np.abs(full.predictions - lin.predictions).max() < 0.03   # measured 0.011; max |y| = 0.86


def test_linearization_error_shrinks_with_width():
    """The gap between the network and its linearisation closes as the width grows (O(n^-1/2))."""
    narrow = np.mean([_loss_deviation(2, 500, seed=s)[2] for s in range(6)])
    wide = np.mean([_loss_deviation(2, 8000, seed=s)[2] for s in range(6)])
    assert wide < 0.5 * narrow, f"width 500: {narrow:.4f}, width 8000: {wide:.4f}"   # ratio ~ 1/4 expected
