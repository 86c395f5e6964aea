"""Funk-Hecke eigenvalues mu_0..mu_kmax in float64, vectorized, each with an a-priori error bar.

    mu_k = c_d int_0^pi k(cos th) P_k(cos th) sin^(d-2) th dth          (Funk-Hecke, see asympt.core.sphere)

Method (theory section 9.2): Gauss-Legendre quadrature in theta on [0, pi] (not in u: arc-cosine kernels,
with or without bias and depth, are analytic in theta, so the rule converges geometrically), the three-term
Gegenbauer recurrence at every node, and one matrix product. The symmetry th <-> pi - th
(P_k(-t) = (-1)^k P_k(t)) halves the table: mu_k = sum_j P_k(t_j) W_j^(k mod 2) over the nodes with
t_j = cos th_j > 0, with W^(0/1) = c_d (pi/2) w_j sin^(d-2) th_j (k(t_j) +- k(-t_j)).

Error bar (returned with the values, never a silent digit):

    abs_error_k = |mu_k(n) - mu_k(2n)| + 16 eps ((1 + sqrt(k)) S_k + D_k),
    S_k = sum_j |W_j^(k mod 2) P_k(t_j)|,
    D_k = sum_j c_d (pi/2) w_j sin^(d-2) th_j (|k'(t_j)| + |k'(-t_j)|) |P_k(t_j)|.

The first term is the quadrature truncation (plus rounding noise) seen by a rule with twice the nodes,
whose values are returned. The second bounds rounding: mu_k is a strongly cancelling sum whose terms
have size S_k ~ max|k| / sqrt(N(d, k)) while mu_k ~ k^-alpha (theory section 9, "Why float64 fails");
the recurrence errors grow like sqrt(k) relative to S_k, and D_k covers the kernel's own evaluation
error, which comes from rounding u = cos th: near u = 1, k'(u) ~ (1 - u)^(-1/2) for ReLU kernels, so
an error eps in u costs eps / th in k (measured: 18 eps S_0 for the 3-layer ReLU NTK on the circle).
Calibration against closed forms and the mpmath tier, d in {2, 3, 10, 30, 100}, k <= 400, eight
kernels (step/ReLU NNGP, ReLU NTK with and without bias, 3 layers, erf NNGP and NTK, ReLU NNGP with
bias): the observed error is at most 6.7 eps ((1 + sqrt(k)) S_k + D_k) per rule, so the factor 16
covers it with a margin > 2; the bar is at most a few hundred times the error where the error is
above the rounding floor of the value itself (tests/spectrum/test_float64.py asserts 1e3).

Nodes: :func:`gauss_legendre_half` (float64, O(n) per node) starts from the uniform asymptotic
approximation of Frenzen & Wong (1985) with Bessel-zero initial values, then corrects each node in
one pass: the recurrence gives P_n and P_n' at the guess, the Legendre differential equation gives
every higher Taylor coefficient, and Newton on the Taylor polynomial gives the root (a single
recurrence pass instead of several Newton passes; the idea of Taylor-based root refinement is that of
Glaser, Liu & Rokhlin 2007). Nodes are kept in y = 1 + x so that the ones near theta = 0 keep their
relative precision.

Entry point: :func:`eigenvalues` -> (mu, abs_error), two float arrays of length kmax + 1.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from asympt.core.errors import InvalidInput, check_int
from asympt.core.sphere import funk_hecke_constant_float, gegenbauer_table

__all__ = ["eigenvalues", "gauss_legendre_half"]

_EPS = np.finfo(float).eps
_ROUNDING_SAFETY = 16.0         # calibrated, see the module docstring
_MAX_KMAX = 20_000
_MAX_DIM = 100_000

# First ten positive zeros of the Bessel function J_0 (Abramowitz & Stegun, Table 9.5); beyond them
# McMahon's expansion is accurate to better than 1e-15.
_J0_ZEROS = np.array([2.404825557695773, 5.520078110286311, 8.653727912911013, 11.79153443901428,
                      14.93091770848779, 18.07106396791092, 21.21163662987926, 24.35247153074930,
                      27.49347913204025, 30.63460646843198])


def _bessel_j0_zeros(s):
    """j_(0,s), s = 1, 2, ... (table, then McMahon: https://dlmf.nist.gov/10.21.E19)."""
    s = np.asarray(s)
    b = (s - 0.25) * np.pi
    e = 1 / (8 * b)
    z = b + e - 124 / 3 * e**3 + 120928 / 15 * e**5 - 401743168 / 105 * e**7 + 1071187749376 / 315 * e**9
    small = s <= len(_J0_ZEROS)
    z[small] = _J0_ZEROS[s[small] - 1]
    return z


def _legendre_guess(n: int):
    """Angles phi_j (x_j = -cos phi_j) of the n//2 negative roots of P_n, increasing.

    Frenzen & Wong (1985): phi = psi + (psi cot psi - 1)/(8 psi nu^2) + O(nu^-4), psi = j_(0,j)/nu,
    nu = n + 1/2; uniform in j (measured error 2e-14 at n = 1080, 2e-10 at n = 100).
    """
    j = np.arange(1, n // 2 + 1)
    nu = n + 0.5
    psi = _bessel_j0_zeros(j) / nu
    return psi + (psi / np.tan(psi) - 1) / (8 * psi * nu**2)


def _taylor_root(x0, s, d0, d1, n, terms, iterations):
    """Root offset delta and P_n'(x0 + delta) from the Taylor series of P_n at x0 (vectorized).

    Taylor coefficients D_j = P_n^(j)(x0)/j! from the Legendre equation (1 - x^2) P'' - 2x P' + n(n+1) P = 0:
    D_(j+2) = [2 x0 (j+1)^2 D_(j+1) - (n(n+1) - j(j+1)) D_j] / (s (j+1)(j+2)),  s = 1 - x0^2.
    """
    big_n = n * (n + 1.0)
    coef = [d0, d1]
    for j in range(terms - 1):
        coef.append((2 * x0 * (j + 1) ** 2 * coef[j + 1] - (big_n - j * (j + 1)) * coef[j]) / (s * ((j + 1) * (j + 2))))

    def derivative(delta):
        der = terms * coef[terms]
        for j in range(terms - 1, 0, -1):
            der = der * delta + j * coef[j]
        return der

    delta = -d0 / d1
    for _ in range(iterations):
        val = coef[terms]
        for j in range(terms - 1, -1, -1):
            val = val * delta + coef[j]
        delta = delta - val / derivative(delta)
    return delta, derivative(delta)


@lru_cache(maxsize=16)
def gauss_legendre_half(n: int):
    """Half of the n-point Gauss-Legendre rule on [-1, 1] (n even): y_j = 1 + x_j and w_j for x_j < 0.

    The full rule is the nodes -1 + y_j and 1 - y_j, both with weight w_j. Returned arrays are
    read-only (cached).

    >>> y, w = gauss_legendre_half(4)
    >>> bool(np.allclose(1 - y, [(3/7 + 2/7 * (6/5) ** 0.5) ** 0.5, (3/7 - 2/7 * (6/5) ** 0.5) ** 0.5]))
    True
    >>> x = np.concatenate([y - 1, 1 - y]); ww = np.concatenate([w, w])
    >>> bool(abs(ww @ x**6 - 2 / 7) < 1e-15)                       # exact up to degree 2n - 1 = 7
    True
    """
    n = check_int("n", n, minimum=2, maximum=10**6)
    if n % 2:
        raise InvalidInput(f"n must be even (the half rule pairs x and -x): {n!r}")
    phi = _legendre_guess(n)
    y = 2 * np.sin(phi / 2) ** 2             # 1 - cos(phi) without cancellation
    # Legendre recurrence in y (x p = y p - p keeps y's relative precision near x = -1)
    p0, p1 = np.ones_like(y), y - 1.0
    for k in range(1, n):
        p0, p1 = p1, ((2 * k + 1) * (y * p1 - p1) - k * p0) / (k + 1)
    s = y * (2 - y)
    dp = n * (p0 - (y - 1) * p1) / s          # P_n' = n (P_(n-1) - x P_n) / (1 - x^2)
    delta, dpr = _taylor_root(y - 1, s, p1, dp, n, terms=8, iterations=3)
    y = y + delta
    w = 2 / (y * (2 - y) * dpr * dpr)
    y.setflags(write=False)
    w.setflags(write=False)
    return y, w


def _peak_nodes(dim: int, digits: float) -> int:
    """Extra nodes for sin^(d-2) th: a trigonometric polynomial of degree d - 2 that is, for large d, a
    peak of width ~ 1/sqrt(d) at th = pi/2; resolving it to 10^-D takes ~ 2.5 sqrt(d (D + 10)) nodes
    (measured at d = 1000 and 10000, float64 and 30 digits)."""
    return min(dim, math.ceil(2.5 * math.sqrt(dim * (digits + 10))))


def _one_rule(kernel, dim: int, kmax: int, n: int, scales: bool = True):
    """mu_0..mu_kmax with the n-point rule, and the rounding scales of each mu_k:

    S_k = sum_j |W_j P_k(t_j)| (size of the cancelling sum) and
    D_k = sum_j c_d (pi/2) w_j sin^(d-2) th_j (|k'(t_j)| + |k'(-t_j)|) |P_k(t_j)| (sensitivity of the sum to
    the rounding of u = cos th inside the kernel's evaluator: near u = 1, k'(u) ~ (1 - u)^(-1/2) for ReLU
    kernels, so an error eps in u costs eps/th in k).
    """
    y, w = gauss_legendre_half(n)
    th = (np.pi / 2) * y                       # nodes th_j in (0, pi/2]; mirrored nodes pi - th_j
    t = np.cos(th)
    g = kernel(t)
    h = kernel(-t)
    base = funk_hecke_constant_float(dim) * (np.pi / 2) * w * np.sin(th) ** (dim - 2)
    weights = np.stack([base * (g + h), base * (g - h)])          # row p: parity p
    table = gegenbauer_table(dim, kmax, t)                         # (kmax + 1, n/2)
    rows = np.arange(kmax + 1)
    parity = rows % 2
    mu = (table @ weights.T)[rows, parity]
    if not scales:
        return mu, None, None
    slope = np.abs(np.gradient(g, t)) + np.abs(np.gradient(h, t)) if len(t) > 2 else np.zeros_like(t)
    absolute = np.abs(table)
    scale = (absolute @ np.abs(weights).T)[rows, parity]          # S_k
    sensitivity = absolute @ (base * slope)                        # D_k
    return mu, scale, sensitivity


def eigenvalues(kernel, dim: int, kmax: int, *, nodes: int | None = None):
    """Funk-Hecke eigenvalues mu_0..mu_kmax of ``kernel`` on S^(dim-1) in float64, with error bars.

    Args:
        kernel: a :class:`~asympt.kernels.kernel.DotProductKernel` (its float64 evaluator is used).
        dim: ambient dimension d >= 2.
        kmax: largest degree.
        nodes: Gauss-Legendre nodes of the first rule (default kmax + 100 + min(d, 2.5 sqrt(26 d)), at
            least kmax + 10, rounded up to even); the check rule has twice as many, and its values are
            returned.

    Returns:
        a :class:`~asympt.spectrum.result.TierResult` (tier ``"float64"``, float values); ``.arrays()``
        gives (mu, abs_error) as float arrays of length kmax + 1 with |mu_k - exact| <= abs_error_k (see
        the module docstring for the bar and its calibration). Where abs_error_k >= |mu_k|, no digit is
        certain (float64 cannot resolve mu_k there: use the mpmath tier).

    Raises:
        InvalidInput: for a bad argument.

    >>> from asympt.kernels.networks import ntk
    >>> mu, err = eigenvalues(ntk("relu"), dim=3, kmax=4).arrays()
    >>> [round(float(m), 12) for m in mu[:3]]                    # 1/2, 1/3, 5/64 (theory section 5)
    [0.5, 0.333333333333, 0.078125]
    >>> bool(np.all(np.abs(mu[:3] - [1/2, 1/3, 5/64]) <= err[:3]))
    True
    """
    from asympt.kernels.kernel import check_kernel

    kernel = check_kernel(kernel)
    dim = check_int("dim", dim, minimum=2, maximum=_MAX_DIM)
    kmax = check_int("kmax", kmax, minimum=0, maximum=_MAX_KMAX)
    if nodes is None:
        nodes = kmax + 100 + _peak_nodes(dim, 16)
    # fewer nodes than degrees alias P_k onto lower degrees in both rules: their difference then
    # bounds nothing, so the first rule must resolve every degree
    nodes = check_int("nodes", nodes, minimum=kmax + 10, maximum=4 * _MAX_KMAX)
    nodes += nodes % 2
    mu_n, _, _ = _one_rule(kernel, dim, kmax, nodes, scales=False)
    mu, scale, sensitivity = _one_rule(kernel, dim, kmax, 2 * nodes)
    k = np.arange(kmax + 1)
    err = np.abs(mu - mu_n) + _ROUNDING_SAFETY * _EPS * ((1 + np.sqrt(k)) * scale + sensitivity)
    from .result import TierResult

    return TierResult("float64", tuple(float(v) for v in mu), tuple(float(e) for e in err))

