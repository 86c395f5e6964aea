"""Harmonic analysis on the unit sphere S^(d-1) of R^d: multiplicities, Funk-Hecke, Gegenbauer.

Conventions (theory section 1, :mod:`asympt.core.conventions`): ``dim = d`` is the ambient dimension,
sigma the uniform probability measure, lambda = (d - 2)/2, and the Gegenbauer polynomials are
normalised at 1:

    P_k(t) = C_k^lambda(t) / C_k^lambda(1),   P_0 = 1,  P_1 = t,
    (k + d - 2) P_(k+1)(t) = (2k + d - 2) t P_k(t) - k P_(k-1)(t)        (stable for |t| <= 1).

d = 3 gives the Legendre polynomials and d = 2 the Chebyshev polynomials, P_k(cos theta) = cos(k theta).

* Multiplicity of the degree-k harmonics: N(d, 0) = 1 and, for k >= 1,
  N(d, k) = binom(k + d - 1, d - 1) - binom(k + d - 3, d - 1) = (2k + d - 2)/k * binom(k + d - 3, d - 2)
  (the dimension of the harmonic homogeneous polynomials of degree k; N(2, k) = 2).
  Cumulative: sum_(k <= K) N(d, k) = binom(K + d - 1, d - 1) + binom(K + d - 2, d - 1).
* Density of t = x.e for x ~ sigma: c_d (1 - t^2)^((d - 3)/2) on [-1, 1], with
  c_d = Gamma(d/2) / (sqrt(pi) Gamma((d - 1)/2)); orthogonality E_t[P_j P_k] = delta_jk / N(d, k).
* Funk-Hecke (Funk 1916, Hecke 1918; see e.g. Atkinson & Han 2012, "Spherical Harmonics and
  Approximations on the Unit Sphere", Thm 2.22): every degree-k harmonic is an eigenfunction of
  the operator with kernel k(x.y), with eigenvalue

      mu_k = c_d int_(-1)^1 k(t) P_k(t) (1 - t^2)^((d-3)/2) dt = c_d int_0^pi k(cos th) P_k(cos th) sin^(d-2) th dth.

Entry points: :func:`multiplicity`, :func:`multiplicities`, :func:`cumulative_multiplicity`,
:func:`funk_hecke_constant` (SymPy), :func:`funk_hecke_constant_mp` (mpmath),
:func:`gegenbauer_table` (numpy) and :func:`gegenbauer_table_mp` (mpmath).
"""

from __future__ import annotations

import math

from .errors import InvalidInput, check_int

__all__ = [
    "cumulative_multiplicity",
    "funk_hecke_constant",
    "funk_hecke_constant_float",
    "funk_hecke_constant_mp",
    "gegenbauer_table",
    "gegenbauer_table_mp",
    "multiplicities",
    "multiplicities_exact",
    "multiplicity",
]

_MAX_DIM = 100_000
_MAX_DEGREE = 1_000_000


def _dim(dim) -> int:
    return check_int("dim", dim, minimum=2, maximum=_MAX_DIM)


def multiplicity(dim: int, k: int) -> int:
    """Number N(d, k) of linearly independent degree-k spherical harmonics on S^(d-1) (exact).

    >>> [multiplicity(3, k) for k in range(4)]      # on S^2, N = 2k + 1
    [1, 3, 5, 7]
    >>> [multiplicity(2, k) for k in range(4)]      # on the circle: cos(k th), sin(k th)
    [1, 2, 2, 2]
    >>> multiplicity(10, 5) == (2*5 + 8) * math.comb(5 + 7, 8) // 5
    True
    """
    dim = _dim(dim)
    k = check_int("k", k, minimum=0, maximum=_MAX_DEGREE)
    if k == 0:
        return 1
    # harmonic polynomials of degree k = all homogeneous ones minus |x|^2 * (degree k - 2);
    # math.comb(m, j) is 0 for m < j, which covers k = 1.
    return math.comb(k + dim - 1, dim - 1) - math.comb(k + dim - 3, dim - 1)


def multiplicities_exact(dim: int, kmax: int) -> list[int]:
    """[N(d, 0), ..., N(d, kmax)] as Python integers.

    >>> multiplicities_exact(4, 4)                  # on S^3, N = (k + 1)^2
    [1, 4, 9, 16, 25]
    """
    dim = _dim(dim)
    kmax = check_int("kmax", kmax, minimum=0, maximum=_MAX_DEGREE)
    return [multiplicity(dim, k) for k in range(kmax + 1)]


def multiplicities(dim: int, kmax: int):
    """N(d, 0..kmax) as a float64 numpy array (inf where N(d, k) exceeds the float range).

    >>> multiplicities(3, 3)
    array([1., 3., 5., 7.])
    """
    import numpy as np

    out = []
    for n in multiplicities_exact(dim, kmax):
        try:
            out.append(float(n))
        except OverflowError:
            out.append(math.inf)
    return np.array(out, dtype=float)


def cumulative_multiplicity(dim: int, kmax: int) -> int:
    """sum_(k <= K) N(d, k) = binom(K + d - 1, d - 1) + binom(K + d - 2, d - 1): the dimension of the
    polynomials of degree <= K restricted to S^(d-1).

    >>> cumulative_multiplicity(3, 4)               # 1 + 3 + 5 + 7 + 9
    25
    >>> cumulative_multiplicity(7, 9) == sum(multiplicity(7, k) for k in range(10))
    True
    """
    dim = _dim(dim)
    kmax = check_int("kmax", kmax, minimum=0, maximum=_MAX_DEGREE)
    return math.comb(kmax + dim - 1, dim - 1) + math.comb(kmax + dim - 2, dim - 1)


def funk_hecke_constant(dim: int):
    """c_d = Gamma(d/2) / (sqrt(pi) Gamma((d - 1)/2)) as an exact SymPy number.

    c_d (1 - t^2)^((d-3)/2) is the density of t = x.e on [-1, 1] for x uniform on S^(d-1).

    >>> [funk_hecke_constant(d) for d in (2, 3, 4)]
    [1/pi, 1/2, 2/pi]
    >>> import sympy
    >>> t = sympy.Symbol("t")
    >>> sympy.integrate(funk_hecke_constant(5) * (1 - t**2), (t, -1, 1))     # a probability density
    1
    """
    import sympy

    dim = _dim(dim)
    return sympy.gamma(sympy.Rational(dim, 2)) / (sympy.sqrt(sympy.pi) * sympy.gamma(sympy.Rational(dim - 1, 2)))


def funk_hecke_constant_mp(dim: int):
    """c_d as an mpmath number at the current precision.

    >>> import mpmath
    >>> with mpmath.workdps(40):
    ...     print(funk_hecke_constant_mp(4) * mpmath.pi)
    2.0
    """
    import mpmath

    dim = _dim(dim)
    # log-Gamma values grow like d log d: extra digits keep the difference exact to the working precision
    with mpmath.workdps(mpmath.mp.dps + len(str(dim)) + 10):
        half = mpmath.mpf(dim) / 2          # exact in binary
        val = mpmath.exp(mpmath.loggamma(half) - mpmath.loggamma(half - mpmath.mpf(1) / 2)) / mpmath.sqrt(mpmath.pi)
    return +val


def funk_hecke_constant_float(dim: int) -> float:
    """c_d as a float: c_(d+2) = c_d d/(d - 1) from c_2 = 1/pi, c_3 = 1/2 (exact rational factor,
    one rounding); above d = 2000 the mpmath value at 30 digits.

    >>> [funk_hecke_constant_float(d) for d in (3, 5)]
    [0.5, 0.75]
    """
    from fractions import Fraction

    dim = _dim(dim)
    if dim <= 2000:
        ratio = Fraction(1, 2) if dim % 2 else Fraction(1)
        for j in range(3 if dim % 2 else 2, dim - 1, 2):
            ratio *= Fraction(j, j - 1)
        return float(ratio) if dim % 2 else float(ratio) / math.pi
    import mpmath

    with mpmath.workdps(30):
        return float(funk_hecke_constant_mp(dim))


def gegenbauer_table(dim: int, kmax: int, t):
    """P_0(t), ..., P_kmax(t) (normalised P_k(1) = 1) at the points ``t``: array of shape (kmax + 1, n).

    Three-term recurrence (k + d - 2) P_(k+1) = (2k + d - 2) t P_k - k P_(k-1), vectorized over the
    points. ``t`` must lie in [-1, 1] (the recurrence is stable there).

    >>> import numpy as np
    >>> th = np.linspace(0, np.pi, 7)
    >>> bool(np.allclose(gegenbauer_table(2, 5, np.cos(th)), np.cos(np.outer(np.arange(6), th))))
    True
    >>> gegenbauer_table(3, 2, [0.5])[:, 0]          # Legendre: P_2(1/2) = (3/4 - 1)/2
    array([ 1.   ,  0.5  , -0.125])
    """
    import numpy as np

    dim = _dim(dim)
    kmax = check_int("kmax", kmax, minimum=0, maximum=_MAX_DEGREE)
    t = np.asarray(t, dtype=float)
    if t.ndim != 1:
        t = t.reshape(-1)
    if t.size and (np.isnan(t).any() or np.abs(t).max() > 1):
        raise InvalidInput("t must lie in [-1, 1] (the Gegenbauer recurrence is used on that interval)")
    table = np.empty((kmax + 1, t.size))
    table[0] = 1.0
    if kmax >= 1:
        table[1] = t
    for k in range(1, kmax):
        table[k + 1] = ((2 * k + dim - 2) * t * table[k] - k * table[k - 1]) / (k + dim - 2)
    return table


def gegenbauer_table_mp(dim: int, kmax: int, t) -> list[list]:
    """P_0..P_kmax at the mpmath points ``t`` (a list), at the current precision: rows[k][i] = P_k(t_i).

    >>> import mpmath
    >>> rows = gegenbauer_table_mp(3, 3, [mpmath.mpf(1) / 3])
    >>> print(rows[3][0], mpmath.mpf(-11) / 27)                 # P_3 = (5t^3 - 3t)/2 = -11/27
    -0.407407407407407 -0.407407407407407
    """
    import mpmath

    dim = _dim(dim)
    kmax = check_int("kmax", kmax, minimum=0, maximum=_MAX_DEGREE)
    pts = [mpmath.mpf(x) for x in t]
    if any(abs(x) > 1 for x in pts):
        raise InvalidInput("t must lie in [-1, 1] (the Gegenbauer recurrence is used on that interval)")
    rows = [[mpmath.mpf(1)] * len(pts)]
    if kmax >= 1:
        rows.append(list(pts))
    for k in range(1, kmax):
        a, b, c = 2 * k + dim - 2, k, k + dim - 2
        rows.append([(a * x * p1 - b * p0) / c for x, p1, p0 in zip(pts, rows[k], rows[k - 1])])
    return rows
