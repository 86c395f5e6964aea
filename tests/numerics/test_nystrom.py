"""Nystrom eigenvalues on sampled sphere points against the Funk-Hecke eigenvalues.

The Gram-matrix route shares only kernel values with asympt's spectrum engine (no Gegenbauer
polynomials, no quadrature, no closed forms), so agreement checks the eigenvalues, their ordering
and the multiplicities N(d, k) at once.
"""

import numpy as np
import pytest

from asympt.kernels.networks import ntk
from asympt.numerics.nystrom import degree_blocks, gram, nystrom_eigenvalues, sample_sphere
from asympt.spectrum import eigenvalues
from asympt.core.sphere import multiplicity


def _blocks(kernel, dim, n, seed, nblocks=4):
    spec = eigenvalues(kernel, dim, nblocks + 4)
    order = sorted(((float(e), e.k) for e in spec if float(e) > 0), reverse=True)[:nblocks]
    X = sample_sphere(n, dim, seed=seed)
    top = sum(multiplicity(dim, k) for _, k in order)
    ev = nystrom_eigenvalues(kernel, X, n_top=top)
    got = degree_blocks(ev, [multiplicity(dim, k) for _, k in order])
    return np.array([g / m for g, (m, _) in zip(got, order)])


@pytest.mark.parametrize(("kernel", "dim"), [(lambda: ntk("relu", bias=1), 3), (lambda: ntk("relu", 3), 3),
                                             (lambda: ntk("relu", bias=1), 4)])
def test_degree_blocks_match_funk_hecke_eigenvalues(kernel, dim):
    k = kernel()
    ratios = _blocks(k, dim, 1500, seed=0, nblocks=3)
    # block means of the top eigenvalues of K/N estimate mu_k with N(d,k) copies; at N = 1500 the
    # first three blocks are within 3e-3 over seeds 0-2 (measured); deeper blocks carry a finite-N
    # upward bias (about 2 % for the fourth block at d = 4, 0.8 % at N = 4000), tested separately
    assert np.all(np.abs(ratios - 1) < 0.02), ratios


@pytest.mark.parametrize("n", [pytest.param(400, marks=pytest.mark.slow), 200])
def test_nystrom_error_shrinks_with_sample_size(n):
    # 8x the points: the error falls by sqrt(8) = 2.8 (statistical) or faster (the finite-N bias ~ 1/N);
    # n = 200 -> 1600 takes about 4 s (measured ratios 7.3-8.2 over three seed triples), 400 -> 3200 about 30 s
    k = ntk("relu", bias=1)
    small = np.mean([np.abs(_blocks(k, 3, n, seed=s) - 1).max() for s in range(3)])
    large = np.mean([np.abs(_blocks(k, 3, 8 * n, seed=s) - 1).max() for s in range(3)])
    assert large < small / 2


def test_gram_is_chunk_independent():
    k = ntk("relu")
    X = sample_sphere(300, 5, seed=3)
    # BLAS rounds x_i.x_j differently for different block shapes (1e-16); near u = 1 the kernel's
    # sqrt(1 - u^2) turns that into ~1e-8 (measured 4.7e-9 on 0.3 % of the entries): equal to that level
    np.testing.assert_allclose(gram(k, X, chunk=64), gram(k, X, chunk=1000), rtol=0, atol=5e-8)


@pytest.mark.parametrize(("act", "bias"), [("erf", 0.5), ("erf", 0.0), ("relu", 1.0)])
def test_euclidean_gram_on_unit_inputs_is_the_sphere_kernel(act, bias):
    """The R^d Gram (erf: its own two-variance dual map, numpy) against the formula side's sphere kernel
    (SymPy dual maps of asympt.kernels) on unit inputs, where the two must agree."""
    from asympt.kernels.networks import ntk
    from asympt.numerics.nystrom import euclidean_gram

    k = ntk(act, 2, bias=bias)
    X = sample_sphere(40, 3, seed=2)
    U = np.clip(X @ X.T, -1, 1)
    np.fill_diagonal(U, 1.0)
    assert np.allclose(euclidean_gram(k, X), k(U), rtol=1e-9, atol=1e-12)


def test_one_sphere_sampler_for_seeds_and_generators():
    """An int seed gives a reproducible sample; a Generator is advanced (the trainer's use)."""
    from asympt.numerics import twolayer

    assert twolayer.sample_sphere is sample_sphere
    assert np.array_equal(sample_sphere(4, 3, seed=5), sample_sphere(4, 3, np.random.default_rng(5)))
    rng = np.random.default_rng(5)
    first, second = sample_sphere(4, 3, rng), sample_sphere(4, 3, rng)
    assert np.array_equal(first, sample_sphere(4, 3, seed=5)) and not np.allclose(first, second)
