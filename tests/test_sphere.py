"""Sphere facts: multiplicities, Funk-Hecke constant, Gegenbauer tables.

References are computed differently from asympt.core.sphere: the dimension count of harmonic polynomials
via binomials, the closed form (2k + d - 2)/k binom(k + d - 3, d - 2) with exact fractions, mpmath's
own quadrature of the density and of E_t[P_j P_k], scipy.special.eval_gegenbauer and mpmath.gegenbauer
(hypergeometric evaluation, not the recurrence), and cos(k theta) on the circle.
"""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import scipy.special
import sympy

from asympt.core.errors import InvalidInput
from asympt.core.sphere import (
    cumulative_multiplicity,
    funk_hecke_constant,
    funk_hecke_constant_float,
    funk_hecke_constant_mp,
    gegenbauer_table,
    gegenbauer_table_mp,
    multiplicities,
    multiplicities_exact,
    multiplicity,
)


def harmonic_dimension(d, k):
    """dim of degree-k harmonic polynomials in d variables: homogeneous(k) - homogeneous(k - 2)."""
    hom = lambda j: math.comb(j + d - 1, d - 1) if j >= 0 else 0  # noqa: E731
    return hom(k) - hom(k - 2)


def weighted_quad(f, d):
    """int_-1^1 f(t) (1 - t^2)^((d-3)/2) dt by tanh-sinh, with t = +-(1 - 2 s^2) near each end so that the
    (1 - t^2)^(-1/2) of d = 2 becomes smooth: (1 - t^2)^((d-3)/2) dt = (4 (1 - s^2))^((d-3)/2) s^(d-2) 4 ds."""
    e = mpmath.mpf(d - 3) / 2
    total = 0
    for sign in (1, -1):
        g = lambda s, sign=sign: f(sign * (1 - 2 * s * s)) * (4 * (1 - s * s)) ** e * s ** (d - 2) * 4  # noqa: E731
        total += mpmath.quad(g, [0, 1 / mpmath.sqrt(2)])
    return total


@pytest.mark.parametrize("d", range(2, 13))
def test_multiplicity_is_the_dimension_of_harmonic_polynomials(d):
    assert [multiplicity(d, k) for k in range(40)] == [harmonic_dimension(d, k) for k in range(40)]


@pytest.mark.parametrize("d", range(3, 13))
def test_multiplicity_closed_form(d):
    # theory section 1: N(d, k) = (2k + d - 2)/k binom(k + d - 3, d - 2) for k >= 1
    for k in range(1, 40):
        assert multiplicity(d, k) == Fraction(2 * k + d - 2, k) * math.comb(k + d - 3, d - 2)


def test_multiplicity_special_dimensions():
    assert [multiplicity(2, k) for k in range(6)] == [1, 2, 2, 2, 2, 2]
    assert [multiplicity(3, k) for k in range(6)] == [2 * k + 1 for k in range(6)]
    assert [multiplicity(4, k) for k in range(6)] == [(k + 1) ** 2 for k in range(6)]


@pytest.mark.parametrize("d", [3, 5, 10])
def test_multiplicity_large_k(d):
    # N(d, k) = 2 k^(d-2)/(d-2)! (1 + O(1/k))
    k = 10**6
    assert multiplicity(d, k) / (2 * k ** (d - 2) / math.factorial(d - 2)) == pytest.approx(1, abs=1e-4 * d)


@pytest.mark.parametrize("d", [2, 3, 4, 7, 20])
def test_cumulative_multiplicity(d):
    for kmax in range(25):
        assert cumulative_multiplicity(d, kmax) == sum(harmonic_dimension(d, k) for k in range(kmax + 1))
    assert cumulative_multiplicity(3, 9) == 100                       # (K + 1)^2 on S^2


def test_multiplicities_arrays():
    assert multiplicities_exact(5, 6) == [multiplicity(5, k) for k in range(7)]
    arr = multiplicities(5, 6)
    assert arr.dtype == float and arr.tolist() == [float(n) for n in multiplicities_exact(5, 6)]
    assert math.isinf(multiplicities(3000, 400)[-1])                  # beyond the float range: inf, not an error


@pytest.mark.parametrize(("call", "message"), [
    (lambda: multiplicity(1, 2), "dim must be an integer >= 2: 1"),
    (lambda: multiplicity(2.5, 2), "dim must be an integer: 2.5"),
    (lambda: multiplicity(True, 2), "dim must be an integer: True"),
    (lambda: multiplicity(3, -1), "k must be an integer >= 0: -1"),
    (lambda: cumulative_multiplicity(3, -2), "kmax must be an integer >= 0: -2"),
    (lambda: funk_hecke_constant(0), "dim must be an integer >= 2: 0"),
    (lambda: gegenbauer_table(3, 2, [1.5]), "t must lie in [-1, 1]"),
    (lambda: gegenbauer_table(3, -1, [0.5]), "kmax must be an integer >= 0"),
    (lambda: gegenbauer_table_mp(3, 2, [mpmath.mpf(-2)]), "t must lie in [-1, 1]"),
])
def test_invalid_input(call, message):
    with pytest.raises(InvalidInput, match=message.replace("[", r"\[").replace("]", r"\]")):
        call()


def test_multiplicity_accepts_numpy_integers():
    assert multiplicity(np.int64(3), np.int32(2)) == 5


@pytest.mark.parametrize("d", [2, 3, 4, 5, 8, 11])
def test_funk_hecke_constant_is_a_density_normaliser(d):
    exact = funk_hecke_constant(d)
    with mpmath.workdps(40):
        total = weighted_quad(lambda t: 1, d)
        c = funk_hecke_constant_mp(d)
        assert abs(c * total - 1) < mpmath.mpf(10) ** -35
        assert abs(c - mpmath.mpf(sympy.N(exact, 45))) < mpmath.mpf(10) ** -38
    assert funk_hecke_constant_float(d) == pytest.approx(float(exact), rel=2e-16)


def test_funk_hecke_constant_exact_values():
    assert funk_hecke_constant(2) == 1 / sympy.pi
    assert funk_hecke_constant(3) == sympy.Rational(1, 2)
    assert funk_hecke_constant(5) == sympy.Rational(3, 4)
    assert sympy.simplify(funk_hecke_constant(4) - 2 / sympy.pi) == 0


def test_funk_hecke_constant_large_dimension():
    # c_d ~ sqrt(d / (2 pi)) (1 - 3/(4d) + ...); the mp value must keep the working precision at d = 5000
    with mpmath.workdps(40):
        c = funk_hecke_constant_mp(5000)
        ref = mpmath.gammaprod([mpmath.mpf(2500)], [mpmath.mpf(4999) / 2]) / mpmath.sqrt(mpmath.pi)
        assert abs(c / ref - 1) < mpmath.mpf(10) ** -37
    assert funk_hecke_constant_float(5000) == pytest.approx(float(ref), rel=4e-16)


@pytest.mark.parametrize("d", [2, 3, 5, 10])
def test_orthogonality_by_quadrature(d):
    """E_t[P_j P_k] = delta_jk / N(d, k) with the density c_d (1 - t^2)^((d-3)/2) (mpmath.quad)."""
    kmax = 6
    with mpmath.workdps(30):
        c = funk_hecke_constant_mp(d)
        tables = {}                      # tanh-sinh reuses its nodes: one table per node

        def table(t):
            if t not in tables:
                tables[t] = gegenbauer_table_mp(d, kmax, [t])
            return tables[t]

        for j in range(kmax + 1):
            for k in range(j, kmax + 1):
                def f(t, j=j, k=k):
                    rows = table(t)
                    return rows[j][0] * rows[k][0]
                val = c * weighted_quad(f, d)
                expected = mpmath.mpf(1) / multiplicity(d, k) if j == k else 0
                assert abs(val - expected) < mpmath.mpf(10) ** -25, (j, k, val)


def test_circle_gives_chebyshev():
    th = np.linspace(0, np.pi, 101)
    table = gegenbauer_table(2, 50, np.cos(th))
    assert np.allclose(table, np.cos(np.outer(np.arange(51), th)), atol=1e-13, rtol=0)
    with mpmath.workdps(30):
        x = mpmath.mpf("0.7")
        rows = gegenbauer_table_mp(2, 30, [mpmath.cos(x)])
        assert all(abs(rows[k][0] - mpmath.cos(k * x)) < mpmath.mpf(10) ** -27 for k in range(31))


@pytest.mark.parametrize("d", [3, 4, 7, 10, 30])
def test_table_matches_scipy_gegenbauer(d):
    t = np.linspace(-1, 1, 41)
    lam = (d - 2) / 2
    ks = np.arange(26)
    ref = np.array([scipy.special.eval_gegenbauer(k, lam, t) / scipy.special.eval_gegenbauer(k, lam, 1.0) for k in ks])
    assert np.allclose(gegenbauer_table(d, 25, t), ref, atol=1e-12, rtol=1e-12)


def test_table_is_legendre_for_d3_and_mp_matches_hypergeometric_gegenbauer():
    t = np.linspace(-1, 1, 11)
    assert np.allclose(gegenbauer_table(3, 12, t), [scipy.special.eval_legendre(k, t) for k in range(13)], atol=1e-14)
    with mpmath.workdps(40):
        pts = [mpmath.mpf("0.3"), mpmath.mpf("-0.85"), mpmath.mpf("0.999")]
        for d in (3, 6, 11):
            lam = mpmath.mpf(d - 2) / 2
            rows = gegenbauer_table_mp(d, 20, pts)
            for k in range(21):
                for i, x in enumerate(pts):
                    ref = mpmath.gegenbauer(k, lam, x) / mpmath.gegenbauer(k, lam, 1)
                    assert abs(rows[k][i] - ref) < mpmath.mpf(10) ** -35


def test_table_endpoint_and_parity():
    d, kmax = 7, 40
    t = np.array([1.0, -1.0, 0.3, -0.3])
    table = gegenbauer_table(d, kmax, t)
    k = np.arange(kmax + 1)
    assert np.allclose(table[:, 0], 1) and np.allclose(table[:, 1], (-1.0) ** k)   # P_k(1) = 1, P_k(-1) = (-1)^k
    assert np.allclose(table[:, 3], (-1.0) ** k * table[:, 2], atol=1e-15)            # P_k(-t) = (-1)^k P_k(t)
    assert np.all(np.abs(gegenbauer_table(d, 200, np.linspace(-1, 1, 301))) <= 1 + 1e-12)  # |P_k| <= 1, d >= 2


def test_table_shapes():
    assert gegenbauer_table(3, 0, [0.1, 0.2]).shape == (1, 2)
    assert gegenbauer_table(3, 4, []).shape == (5, 0)
    assert len(gegenbauer_table_mp(3, 0, [mpmath.mpf(0)])) == 1
