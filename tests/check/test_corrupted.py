"""Corrupted measurements must fail: the tolerances of asympt.checks.run do not widen with the corruption.

Each test replaces one piece of the measured side through the hooks of ``run_checks`` (``gram=``,
``sampler=``, ``target_fn=``, ``network=``) and names the row that has to fail. Small N, fast.
"""

import numpy as np
import pytest

from asympt.checks.run import run_checks
from asympt.kernels.networks import ntk
from asympt.numerics.data import sample, target_values
from asympt.numerics.finite_net import FiniteNetwork
from asympt.numerics.nystrom import gram as sphere_gram

K = ntk("relu", bias=1)
N = 1200


def _run(**hooks):
    rep = run_checks(K, 3, "neuron", n=N, seed=3, groups=("spectrum", "loss"), **hooks)
    return {r.name.split(",")[0]: r for r in rep.rows}


@pytest.fixture(scope="module")
def clean():
    return _run()


def test_uncorrupted_run_passes(clean):
    rows = clean
    assert all(r.verdict == "pass" for r in rows.values()), {k: r.measured for k, r in rows.items()}


def test_gram_matrix_of_another_kernel_fails():
    other = ntk("relu^2", bias=1)
    rows = _run(gram=lambda k, X: sphere_gram(other, X))
    for name in ("degree blocks vs mu_k", "counting function", "nu fit", "L_N(t) vs exact L(t)", "xi fit"):
        assert rows[name].verdict == "fail", name


@pytest.mark.parametrize("scale", [1.3, 0.8, 1.1, 0.95])
def test_rescaled_gram_matrix_fails(clean, scale):
    rows = _run(gram=lambda k, X: scale * sphere_gram(k, X))
    assert rows["degree blocks vs mu_k"].verdict == "fail"
    # an exponent does not see a constant factor: the nu row may pass, and its interval moves with the
    # measurement without widening (nothing predicted or exact enters it)
    base = clean["nu fit"].values["interval"]
    got = rows["nu fit"].values["interval"]
    assert got[1] - got[0] == pytest.approx(base[1] - base[0], rel=1e-6)


def test_shuffled_targets_fail():
    def shuffled(t, X, seed):
        return np.random.default_rng(0).permutation(target_values(t, X, seed=seed))

    rows = _run(target_fn=shuffled)
    assert rows["L_N(t) vs exact L(t)"].verdict == "fail"
    assert rows["xi fit"].verdict == "fail"
    assert rows["nu fit"].verdict == "pass"   # the spectrum does not see the targets


def test_data_from_the_wrong_dimension_fails():
    rows = _run(sampler=lambda data, n, dim, seed: sample(data, n, dim + 2, seed=seed))
    for name in ("degree blocks vs mu_k", "counting function", "nu fit"):
        assert rows[name].verdict == "fail", name


def test_network_in_the_wrong_parameterisation_fails():
    # the numpy network built without the He factor sqrt(2) in the readout: its NTK is the analytic one / 2,
    # a width-independent error
    def wrong(d, m, seed, **kw):
        return FiniteNetwork.init(d, m, seed=seed, **{**kw, "sigma_w": [1.0] * kw["layers"]})

    rep = run_checks(ntk("relu"), 3, "neuron", n=400, groups=("finite-width",), widths=(100, 400, 1600),
                     network=wrong)
    rows = {r.name: r for r in rep.rows}
    assert rows["NTK error vs width"].verdict == "fail"
    assert rows["mean empirical NTK = kernel"].verdict == "fail"
    assert rows["NTK error vs width"].values["upper95"] > -0.2
