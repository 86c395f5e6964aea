"""Exact Funk-Hecke eigenvalues of exponentials, products with u and the arc-cosine family (theory 5.6-5.8).

Part of the exact tier (:mod:`asympt.spectrum.closed_forms` describes the concept and re-exports every
name): e^(q u) by modified Bessel functions, multiplication by u by the three-term recurrence, kappa0,
kappa1, E_a, arcsin(a u) and sqrt(1 - u^2) by Gauss summation.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from asympt.core.errors import InvalidInput, NotSupported

from .gamma_forms import (
    _G, _HALF, _R, _S, _canon, _deg, _dim, _frac, _number, _ratio,
)

__all__ = [
    "mu_arcsin", "mu_E_a", "mu_exp", "mu_kappa0", "mu_kappa1", "mu_sqrt_one_minus_u2", "mu_times_u", "times_u",
]


# ---- item 6: exponentials -------------------------------------------------------------------------


def mu_exp(q, dim: int, k: int) -> sympy.Expr:
    """mu_k[e^(q u)] = Gamma(d/2) (2/q)^(d/2-1) I_(k+d/2-1)(q) (theory 5.6; DLMF 10.32.2).

    For q < 0 the value is (-1)^k mu_k[e^(|q| u)]; q = 0 gives the constant 1. Symbolic q returns the
    formula. For odd d the Bessel function has half-integer order and is elementary
    (``sympy.expand_func`` / ``rewrite``); it is left unevaluated so that ``N()`` stays accurate at
    large k (the elementary form cancels catastrophically there). sinh and cosh: take the odd or even k.

    >>> mu_exp(1, 2, 3)                   # circle: (1/pi) int e^(cos th) cos(3 th) dth = I_3(1)
    besseli(3, 1)
    >>> mu_exp(0, 5, 0), mu_exp(0, 5, 2)
    (1, 0)
    """
    q = _number("q", q)
    d, k = _dim(dim), _deg(k)
    if q == 0:
        return _S.One if k == 0 else _S.Zero
    if q.is_number and q.is_negative:
        return (-1) ** k * mu_exp(-q, d, k)
    lam = sympy.Rational(d - 2, 2)
    return sympy.gamma(sympy.Rational(d, 2)) * (2 / q) ** lam * sympy.besseli(k + lam, q)


# ---- item 7: multiplication by u -------------------------------------------------------------------


def mu_times_u(mu_prev, mu_next, dim: int, k: int):
    """mu_k[u g] from mu_(k-1)[g] and mu_(k+1)[g] (theory 5.7).

    mu_k[u g] = (k mu_(k-1)[g] + (k+d-2) mu_(k+1)[g]) / (2k+d-2) for k >= 1 and mu_0[u g] = mu_1[g]
    (``mu_prev`` is ignored at k = 0), from t P_k = (k P_(k-1) + (k+d-2) P_(k+1)) / (2k+d-2). Works with
    SymPy, mpmath, Fraction or float values.

    >>> from asympt.spectrum.gamma_forms import mu_monomial
    >>> mu_times_u(mu_monomial(2, 3, 0), mu_monomial(2, 3, 2), 3, 1) == mu_monomial(3, 3, 1)   # u^2 -> u^3
    True
    """
    d, k = _dim(dim), _deg(k)
    if k == 0:
        return mu_next
    num = k * mu_prev + (k + d - 2) * mu_next
    den = 2 * k + d - 2
    if isinstance(num, (int, Fraction)):
        return Fraction(num) / den
    if isinstance(num, sympy.Basic):
        return num / sympy.Integer(den)
    return num / den


def times_u(mus, dim: int) -> list:
    """[mu_0[u g], ..., mu_(K-1)[u g]] from [mu_0[g], ..., mu_K[g]] (item 7 on a whole list).

    The list gets one shorter: mu_k[u g] needs mu_(k+1)[g].

    >>> from asympt.spectrum.gamma_forms import mu_monomial
    >>> times_u([mu_monomial(2, 3, k) for k in range(5)], 3) == [mu_monomial(3, 3, k) for k in range(4)]
    True
    """
    d = _dim(dim)
    mus = list(mus)
    return [mu_times_u(mus[k - 1] if k else None, mus[k + 1], d, k) for k in range(len(mus) - 1)]


# ---- item 8: arc-cosine family, arcsin and sqrt(1-u^2) --------------------------------------------


def _even_hyper_const(al, be, d):
    """mu_0 of 2F1(al, be; 1/2; u^2) by Gauss summation; rational ratio in m: (al)_m (be)_m / ((h-al)_m (h-be)_m)."""
    h = Fraction(d, 2)
    if not (h - al - be > 0 and h - al > 0 and h - be > 0):
        raise NotSupported(f"2F1({al}, {be}; 1/2; u^2) on S^{d - 1}: Gauss summation needs d/2 - al - be > 0 "
                           "(otherwise the Funk-Hecke integral diverges)")
    const = _canon(_G(h) * _G(h - al - be) / (_G(h - al) * _G(h - be)))
    return const, [al, be], [h - al, h - be]


def _odd_hyper_const(al, be, d):
    """mu_1 of u 2F1(al, be; 3/2; u^2) by Gauss summation; ratio (al)_m (be)_m / ((1+h-al)_m (1+h-be)_m)."""
    h = Fraction(d, 2)
    if not (1 + h - al - be > 0 and 1 + h - al > 0 and 1 + h - be > 0):
        raise NotSupported(f"u 2F1({al}, {be}; 3/2; u^2) on S^{d - 1}: Gauss summation needs "
                           "1 + d/2 - al - be > 0 (otherwise the Funk-Hecke integral diverges)")
    const = _canon(_G(h) * _G(1 + h - al - be) / (2 * _G(1 + h - al) * _G(1 + h - be)))
    return const, [al, be], [1 + h - al, 1 + h - be]


def mu_kappa0(dim: int, k: int) -> sympy.Expr:
    """mu_k of the degree-0 arc-cosine kernel kappa0(u) = 1 - arccos(u)/pi = 1/2 + arcsin(u)/pi.

    mu_0 = 1/2; mu_(2m+1) = Gamma(d/2)^2 Gamma(m+1/2)^2 / (2 pi^2 Gamma(m+(d+1)/2)^2); even k >= 2: 0
    (Cho & Saul 2009; theory 5.8: arcsin u = u 2F1(1/2, 1/2; 3/2; u^2) and Gauss summation).

    >>> mu_kappa0(3, 0) == sympy.Rational(1, 2)
    True
    >>> [mu_kappa0(3, k) for k in (1, 2, 3)]         # d = 3: rationals, exact zeros on even k
    [1/8, 0, 1/128]
    """
    d, k = _dim(dim), _deg(k)
    if k == 0:
        return sympy.Rational(1, 2)
    if k % 2 == 0:
        return _S.Zero
    return _odd_hyper_value(_HALF, _HALF, d, (k - 1) // 2) / sympy.pi


def mu_kappa1(dim: int, k: int) -> sympy.Expr:
    """mu_k of the degree-1 arc-cosine kernel kappa1(u) = (sqrt(1-u^2) + u (pi - arccos u)) / pi.

    mu_1 = 1/(2d); mu_(2m) = Gamma(d/2) Gamma(d/2+1) Gamma(m-1/2)^2 / (4 pi^2 Gamma(m+(d+1)/2)^2); odd k >= 3: 0
    (Cho & Saul 2009; Bietti & Mairal 2019; theory 5.8). kappa1 - u/2 is even, so odd k only see u/2.

    >>> [mu_kappa1(3, k) for k in range(5)]
    [3/8, 1/6, 3/128, 0, 1/1536]
    """
    d, k = _dim(dim), _deg(k)
    if k == 1:
        return sympy.Rational(1, 2 * d)
    if k % 2:
        return _S.Zero
    m = k // 2
    h1 = Fraction(d + 1, 2)
    # Gamma(m-1/2) = -2 sqrt(pi) (-1/2)_m, Gamma(m+(d+1)/2) = Gamma((d+1)/2) ((d+1)/2)_m
    const = _canon(sympy.gamma(sympy.Rational(d, 2)) * sympy.gamma(sympy.Rational(d, 2) + 1)
                   / (sympy.pi * _G(h1) ** 2))
    return const * _ratio([-_HALF], [h1], m) ** 2


def _even_hyper_value(al, be, d, m):
    const, nums, dens = _even_hyper_const(al, be, d)
    return const * _ratio(nums, dens, m)


def _odd_hyper_value(al, be, d, m):
    const, nums, dens = _odd_hyper_const(al, be, d)
    return const * _ratio(nums, dens, m)


def mu_E_a(a, dim: int, k: int) -> sympy.Expr:
    """mu_k of the unit-variance NNGP map E_a(u) = E[x_+^a(z1) x_+^a(z2)] of x_+^a, real a > -1/2.

    With P = 2^a Gamma(d/2) Gamma(d/2+a) / (4 pi) (theory 5.8; Cho & Saul 2009 for integer a):
    mu_2m = P [Gamma((a+1)/2) (-a/2)_m / Gamma(m+(d+a)/2)]^2,
    mu_2m+1 = P [Gamma(a/2+1) ((1-a)/2)_m / Gamma(m+(d+a+1)/2)]^2.
    Derivation: E_a = 2^a/(4 pi) [Gamma((a+1)/2)^2 2F1(-a/2, -a/2; 1/2; u^2) + 2u Gamma(a/2+1)^2
    2F1((1-a)/2, (1-a)/2; 3/2; u^2)] and Gauss summation of each series against item 4. Every
    eigenvalue is >= 0 (a squared times P > 0), as Schoenberg's theorem requires.

    >>> mu_E_a(1, 3, 2) == mu_kappa1(3, 2) / 2          # E_1 = kappa1 / 2
    True
    >>> mu_E_a(0, 3, 1) == mu_kappa0(3, 1) / 2          # E_0 = kappa0 / 2
    True
    """
    a = _number("a", a)
    d, k = _dim(dim), _deg(k)
    if a.is_number and (a > -sympy.Rational(1, 2)) is not sympy.true:
        raise InvalidInput(f"a must be > -1/2 (E[x_+^(2a)] must be finite): {a}")
    af = _frac(a)
    m = k // 2
    half = sympy.Rational(1, 2)
    P = 2**a * sympy.gamma(sympy.Rational(d, 2)) * sympy.gamma(sympy.Rational(d, 2) + a) / (4 * sympy.pi)
    if k % 2 == 0:
        g0, num, den = sympy.gamma((a + 1) / 2), -a / 2, (d + a) / 2
    else:
        g0, num, den = sympy.gamma(a / 2 + 1), (1 - a) / 2, (d + a + 1) / 2
    # Gamma(m + den) = Gamma(den) (den)_m keeps the k-dependence rational
    const = P * (g0 / sympy.gamma(den)) ** 2
    if af is not None:
        return _canon(const) * _ratio([_frac(num)], [_frac(den)], m) ** 2
    return const * (sympy.RisingFactorial(num, m) / sympy.RisingFactorial(den, m)) ** 2


def mu_arcsin(a, dim: int, k: int, *, digits: int | None = None):
    """mu_k[arcsin(a u)], |a| <= 1 (erf kernels: a = 2 sigma^2/(1 + 2 sigma^2)).

    Odd k = 2m+1 only (arcsin is odd):
    mu_2m+1 = (Gamma(d/2)/2) a^(2m+1) ((1/2)_m)^2 / Gamma(2m+1+d/2) 2F1(m+1/2, m+1/2; 2m+1+d/2; a^2)
    (theory 5.8: the series arcsin(x) = sum_n (1/2)_n x^(2n+1) / (n! (2n+1)) summed against item 4).
    For |a| = 1, Gauss summation closes it: mu_2m+1 = sign(a) Gamma(d/2)^2 Gamma(m+1/2)^2 /
    (2 pi Gamma(m+(d+1)/2)^2). For |a| < 1 the 2F1 is not a closed form in general: the exact value is
    returned with an unevaluated SymPy ``hyper``, or, with ``digits``, as an mpmath number at that
    precision.

    >>> mu_arcsin(1, 3, 1)                       # (1/2) int t arcsin t dt = pi/8
    pi/8
    >>> mu_arcsin(sympy.Rational(1, 2), 3, 1)
    hyper((1/2, 1/2), (5/2,), 1/4)/6
    """
    a = _number("a", a)
    d, k = _dim(dim), _deg(k)
    if a.is_number and (abs(a) <= 1) is not sympy.true:
        raise InvalidInput(f"a must satisfy |a| <= 1 (arcsin(a u) on u in [-1, 1]): {a}")
    if k % 2 == 0 or a == 0:
        return _S.Zero if digits is None else _mp_zero()
    m = (k - 1) // 2
    if abs(a) == 1:
        val = sympy.sign(a) * _odd_hyper_value(_HALF, _HALF, d, m)
        return val if digits is None else _to_mp(val, digits)
    h = sympy.Rational(d, 2)
    coef = (a ** (2 * m + 1) * sympy.RisingFactorial(sympy.Rational(1, 2), m) ** 2
            / (2 * sympy.RisingFactorial(h, 2 * m + 1)))
    if digits is None:
        return coef * sympy.hyper([m + _R(_HALF)] * 2, [2 * m + 1 + h], a**2)
    import mpmath

    with mpmath.workdps(digits + 10):
        val = _to_mp(coef, digits + 10) * mpmath.hyp2f1(m + mpmath.mpf(1) / 2, m + mpmath.mpf(1) / 2,
                                                   2 * m + 1 + mpmath.mpf(d) / 2, _to_mp(a**2, digits + 10))
    with mpmath.workdps(digits):
        return +val


def _mp_zero():
    import mpmath

    return mpmath.mpf(0)


def _to_mp(expr, dps):
    import mpmath

    with mpmath.workdps(dps):
        return mpmath.mpf(sympy.N(expr, dps + 5))


def mu_sqrt_one_minus_u2(dim: int, k: int) -> sympy.Expr:
    """mu_k[sqrt(1-u^2)] (the sin th part of kappa1): even k only.

    mu_2m = Gamma(d/2)^2 (-1/2)_m (1/2)_m / (Gamma(m+(d+1)/2) Gamma(m+(d-1)/2)).
    Derivation: sqrt(1-u^2) = sum_n (-1/2)_n u^(2n)/n!; with item 4, mu_2m = Gamma(d/2) sum_(n>=m)
    (-1/2)_n (1/2)_n / ((n-m)! Gamma(n+m+d/2)) = Gamma(d/2) (-1/2)_m (1/2)_m / Gamma(2m+d/2)
    2F1(m-1/2, m+1/2; 2m+d/2; 1), closed by Gauss summation (c - a - b = d/2 > 0). Negative for m >= 1.

    >>> mu_sqrt_one_minus_u2(3, 0), mu_sqrt_one_minus_u2(2, 0)     # pi/4 on S^2; 2/pi on the circle
    (pi/4, 2/pi)
    """
    d, k = _dim(dim), _deg(k)
    if k % 2:
        return _S.Zero
    return _even_hyper_value(-_HALF, _HALF, d, k // 2)


