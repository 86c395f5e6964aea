"""asympt.spectrum.float64: the error bar covers the true error at every k, and is not absurdly pessimistic.

References: theory section 5 closed forms (typed in below) for the
arc-cosine, He ReLU NTK, erf NNGP and x_+^a kernels, and the mpmath tier (asympt.spectrum.highprec,
itself checked against closed forms and direct quadrature) for kernels without a closed form.
"""

import functools

import mpmath
import numpy as np
import pytest

from asympt.core.errors import InvalidInput
from asympt.kernels.networks import nngp, ntk
from asympt.spectrum import float64
from asympt.spectrum import highprec

from mpmath import mpf

# theory section 5 item 8 closed forms, typed in once for both tier tests
from theory_reference import arcsin_mu, kappa0_mu, kappa1_mu, power_nngp_mu, relu_ntk_mu, times_u  # noqa: F401, E402

EPS = np.finfo(float).eps
DIMS = [2, 3, 10, 30, 100]

CLOSED = {
    "step NNGP": (lambda: nngp("step"), kappa0_mu),
    "ReLU NNGP": (lambda: nngp("relu"), kappa1_mu),
    "He ReLU NTK": (lambda: ntk("relu"), relu_ntk_mu),
    "erf NNGP": (lambda: nngp("erf"), lambda d, k: 4 / mpmath.pi * arcsin_mu(mpmath.mpf(2) / 3, d, k)),
}
NUMERIC = {
    "bias NTK": lambda: ntk("relu", 2, bias=1),
    "3-layer NTK": lambda: ntk("relu", 3),
    "erf NTK": lambda: ntk("erf"),
    "bias NNGP": lambda: nngp("relu", 2, bias=1),
}


@functools.lru_cache(maxsize=None)
def closed_reference(name, d, kmax):
    _, formula = CLOSED[name]
    with mpmath.workdps(30):
        return np.array([float(formula(d, k)) for k in range(kmax + 1)])


@functools.lru_cache(maxsize=None)
def highprec_reference(name, d, kmax):
    mu = highprec.eigenvalues(NUMERIC[name](), d, kmax, digits=20)
    return np.array([float(m.value) for m in mu])


def check_bar(mu, err, ref, label):
    """Coverage at every k; bar <= 1e3 x the local error level (max over k +- 8 of the true error and of
    eps |mu|, the rounding floor of the value itself). Returns the ratios bar / level."""
    true = np.abs(mu - ref)
    bad = np.nonzero(true > err)[0]
    assert bad.size == 0, f"{label}: bar misses the error at k = {bad[:10]} ({true[bad[:3]]} > {err[bad[:3]]})"
    level = np.maximum(true, EPS * np.abs(ref))
    window = np.array([level[max(0, k - 8):k + 9].max() for k in range(len(ref))])
    ratio = err / window
    # an exact zero computed exactly (odd kernels evaluate k(-u) = -k(u) exactly) has no error to compare with
    ratio[(ref == 0) & (mu == 0)] = 0
    assert ratio.max() <= 1e3, f"{label}: bar {ratio.max():.3g} times the error at k = {ratio.argmax()}"
    return ratio


@pytest.mark.parametrize("d", DIMS)
@pytest.mark.parametrize("name", sorted(CLOSED))
def test_bar_against_closed_forms(name, d):
    kmax = 300
    mu, err = float64.eigenvalues(CLOSED[name][0](), d, kmax).arrays()
    assert mu.shape == err.shape == (kmax + 1,)
    check_bar(mu, err, closed_reference(name, d, kmax), f"{name}, d = {d}")


@pytest.mark.parametrize("d", [3, 10])
@pytest.mark.parametrize("name", sorted(NUMERIC))
def test_bar_against_the_mpmath_tier(name, d):
    kmax = 150
    mu, err = float64.eigenvalues(NUMERIC[name](), d, kmax).arrays()
    check_bar(mu, err, highprec_reference(name, d, kmax), f"{name}, d = {d}")


@pytest.mark.slow
@pytest.mark.parametrize("d", DIMS)
@pytest.mark.parametrize("name", sorted(NUMERIC))
def test_bar_against_the_mpmath_tier_large_k(name, d):
    kmax = 500
    mu, err = float64.eigenvalues(NUMERIC[name](), d, kmax).arrays()
    check_bar(mu, err, highprec_reference(name, d, kmax), f"{name}, d = {d}")


def test_values_are_accurate_where_float64_can_resolve_them():
    # d = 3, He NTK: mu_0..mu_2 = 1/2, 1/3, 5/64 to ~1e-15 and bars below 1e-14
    mu, err = float64.eigenvalues(ntk("relu"), 3, 10).arrays()
    assert np.allclose(mu[:3], [1 / 2, 1 / 3, 5 / 64], rtol=0, atol=1e-15)
    assert np.all(err[:3] < 1e-14)


@pytest.mark.parametrize("d", [2, 3, 10])
def test_truncation_of_a_kernel_not_analytic_in_theta_is_covered(d):
    # relu^(1/3) NNGP: (1 - u)^(5/6) ~ th^(5/3): Gauss-Legendre converges algebraically; the n/2n
    # comparison must cover it (theory section 5 item 8 closed form)
    kmax = 200
    mu, err = float64.eigenvalues(nngp("relu^1/3"), d, kmax).arrays()
    with mpmath.workdps(30):
        ref = np.array([float(power_nngp_mu(mpmath.mpf(1) / 3, d, k)) for k in range(kmax + 1)])
    check_bar(mu, err, ref, f"relu^1/3 NNGP, d = {d}")
    # the fewest nodes allowed: truncation dominates at low k and must still be covered
    mu, err = float64.eigenvalues(nngp("relu^1/3"), d, kmax, nodes=kmax + 10).arrays()
    assert np.all(np.abs(mu - ref) <= err)


def test_bars_grow_where_float64_fails():
    # theory section 9: d = 10 bias NTK, float64 loses all digits by k ~ 200; the bar must say so
    mu, err = float64.eigenvalues(ntk("relu", 2, bias=1), 10, 400).arrays()
    assert err[5] < 1e-10 * abs(mu[5])
    assert err[400] > abs(mu[400])


@pytest.mark.parametrize("n", [2, 4, 10, 64, 100])
def test_gauss_legendre_half_matches_numpy(n):
    y, w = float64.gauss_legendre_half(n)
    x_np, w_np = np.polynomial.legendre.leggauss(n)           # Golub-Welsch eigenvalues + Newton step
    assert np.allclose(y - 1, x_np[: n // 2], atol=2e-16 * n, rtol=0)
    assert np.allclose(w, w_np[: n // 2], rtol=1e-11, atol=0)     # numpy's weights: 2e-12 at n = 100
    assert abs(2 * w.sum() - 2) < 1e-14


def test_gauss_legendre_half_relative_precision_near_the_ends():
    n = 1000
    y, w = float64.gauss_legendre_half(n)
    Y, W = highprec.gauss_legendre_fixed(n, 120, method="python")
    with mpmath.workdps(36):
        ref_y = np.array([float(mpmath.ldexp(v, -120)) for v in Y[:20]])
        ref_w = np.array([float(mpmath.ldexp(v, -120)) for v in W[:20]])
    assert np.allclose(y[:20], ref_y, rtol=1e-11, atol=0)     # y_1 ~ 3e-6: absolute 3e-17
    assert np.allclose(w[:20], ref_w, rtol=1e-10, atol=0)


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((1, 3), {}, "dim must be an integer >= 2: 1"),
    ((3, -1), {}, "kmax must be an integer >= 0: -1"),
    ((3, 3), {"nodes": 12}, "nodes must be an integer >= 13: 12"),
])
def test_invalid_input(args, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        float64.eigenvalues(ntk("relu"), *args, **kwargs)
    with pytest.raises(InvalidInput, match="n must be even"):
        float64.gauss_legendre_half(7)
