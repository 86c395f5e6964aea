"""Sampled data, sampled targets, the R^d kernel and the subspace eigensolver of the cross-checks.

Each is compared with something computed another way: Bessel-function moments of the von
Mises-Fisher law, SciPy's orthogonal polynomials, the target classes' exact norms, the empirical NTK
of real finite networks, and LAPACK's dense eigensolver.
"""

import math

import numpy as np
import pytest
from scipy import special

from asympt.kernels.networks import ntk
from asympt.numerics.data import gegenbauer_table, sample, sample_vmf, target_values
from asympt.numerics.finite_net import FiniteNetwork
from asympt.numerics.nystrom import euclidean_gram, top_eigenpairs
from asympt.targets import parse_target


@pytest.mark.parametrize("dim,kappa", [(3, 5.0), (5, 2.0), (10, 10.0)])
def test_vmf_mean_resultant_length_matches_bessel_ratio(dim, kappa):
    # E[x . mean] = I_(d/2)(kappa) / I_(d/2 - 1)(kappa) for the von Mises-Fisher law
    rng = np.random.default_rng(7)
    mean = np.zeros(dim)
    mean[0] = 1.0
    X = sample_vmf(40000, mean, kappa, rng)
    w = X[:, 0]
    expected = special.iv(dim / 2, kappa) / special.iv(dim / 2 - 1, kappa)
    assert np.allclose(np.linalg.norm(X, axis=1), 1.0)
    assert abs(w.mean() - expected) < 4 * w.std() / math.sqrt(w.size)


def test_sample_laws_and_errors():
    assert sample("cube", 1000, 4, seed=1).max() <= 1.0
    X = sample("gaussian", 20000, 3, seed=2)
    assert abs(X.var() - 1) < 0.03
    with pytest.raises(ValueError, match="unknown data distribution"):
        sample("ring", 10, 3)
    with pytest.raises(ValueError, match="positive integer"):
        sample("sphere", 0, 3)


@pytest.mark.parametrize("dim", [2, 3, 4, 7])
def test_gegenbauer_table_matches_scipy(dim):
    t = np.linspace(-1, 1, 41)
    P = gegenbauer_table(t, dim, 30)
    for k in (0, 1, 5, 30):
        if dim == 2:
            ref = special.eval_chebyt(k, t)
        else:
            lam = (dim - 2) / 2
            ref = special.eval_gegenbauer(k, lam, t) / special.eval_gegenbauer(k, lam, 1.0)
        assert np.allclose(P[k], ref, atol=1e-12)


@pytest.mark.parametrize("spec,dim", [("neuron", 3), ("neuron", 5), ("halfspace", 4), ("neuron:erf", 3),
                                      ("sobolev:1", 3), ("sobolev:3/2", 5), ("harmonic:2,5", 3)])
def test_sampled_targets_have_the_class_norm(spec, dim):
    # Monte Carlo mean of f^2 on uniform sphere points vs the class's exact ||f||^2
    tg = parse_target(spec, default_activation="relu")
    X = sample("sphere", 60000, dim, seed=11)
    y2 = target_values(tg, X, seed=3) ** 2
    assert abs(y2.mean() - float(tg.norm2(dim))) < 5 * y2.std() / math.sqrt(y2.size) + 2e-3 * float(tg.norm2(dim))


def test_sobolev_realisation_has_the_class_energy_in_one_degree():
    # project the sampled Sobolev function on degree 2 by Funk-Hecke quadrature over the sample:
    # e_2 = N(d,2) E_x E_y[f(x) f(y) P_2(x.y)] estimated with independent halves
    tg = parse_target("sobolev:1")
    X = sample("sphere", 6000, 3, seed=5)
    y = target_values(tg, X, seed=9)
    A, B = slice(0, 3000), slice(3000, 6000)
    P2 = gegenbauer_table(X[A] @ X[B].T, 3, 2)[2]
    est = 5 * float(y[A] @ P2 @ y[B]) / 3000 ** 2
    exact = float(tg.energy(3, 2))   # 1/4 - 1/9
    assert abs(est - exact) < 0.15 * exact


@pytest.mark.parametrize("act,bias,train", [("relu", 1, "all"), ("erf", 0.5, "all"), ("step", 1, "last"),
                                            ("relu", 2, "last")])
def test_euclidean_gram_matches_finite_networks(act, bias, train):
    # analytic kernel off the sphere vs the mean empirical NTK of 40 real networks (z-scores)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 3)) * np.array([1.0, 2.0, 0.5])
    G = euclidean_gram(ntk(act, 2, bias=bias, train=train), X)
    draws = np.array([FiniteNetwork.init(3, 3000, 2, sigma_b=bias, activation=act, seed=s)
                     .empirical_ntk(X, train=train) for s in range(40)])
    z = (draws.mean(0) - G) / (draws.std(0, ddof=1) / math.sqrt(40) + 1e-12)
    assert np.max(np.abs(z)) < 4.5


def test_euclidean_gram_reduces_to_the_sphere_kernel_without_bias_on_unit_inputs():
    k = ntk("relu", 2, bias=1)
    X = sample("sphere", 50, 3, seed=1)
    # on the sphere with bias the R^d formula must equal the sphere kernel of the same network
    U = np.clip(X @ X.T, -1, 1)
    np.fill_diagonal(U, 1.0)
    assert np.allclose(euclidean_gram(k, X), k(U), rtol=1e-7, atol=0)


def test_euclidean_gram_refuses_unsupported_networks():
    from asympt.core.errors import NotSupported

    with pytest.raises(NotSupported, match="2-layer"):
        euclidean_gram(ntk("relu", 3, bias=1), np.ones((2, 3)))
    with pytest.raises(NotSupported, match="train='all'"):
        euclidean_gram(ntk("relu", 2, bias=1, train="1"), np.ones((2, 3)))
    with pytest.raises(NotSupported, match="tanh"):
        euclidean_gram(ntk("tanh", 2, bias=1), np.ones((2, 3)))


def test_subspace_iteration_matches_lapack_within_its_residual_bound():
    from scipy.linalg import eigh

    k = ntk("relu", 2, bias=1)
    X = sample("sphere", 1200, 3, seed=4)
    K = k(np.clip(X @ X.T, -1, 1)) / 1200
    vals, vecs, res = top_eigenpairs(K, 100, dense_limit=500)
    ref = eigh(K, eigvals_only=True)[::-1][:100]
    assert np.all(np.abs(vals - ref) <= res + 1e-15)
    assert np.max(np.abs(vals - ref) / ref) < 1e-6   # stopping rule: 1e-6 change per sweep
    assert np.allclose(vecs.T @ vecs, np.eye(100), atol=1e-10)
