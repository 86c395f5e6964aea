"""Exact Funk-Hecke (Gegenbauer) eigenvalues of dot-product kernels on S^(d-1): the exact tier.

Concept. For a dot-product kernel k(u), u = x.x', on the sphere S^(d-1) with the uniform probability
measure, every degree-k spherical harmonic is an eigenfunction with eigenvalue

    mu_k = c_d int_{-1}^{1} k(t) P_k(t) (1 - t^2)^((d-3)/2) dt,   c_d = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)),

P_k the Gegenbauer polynomial normalised by P_k(1) = 1 (d = 2: c_2 = 1/pi, P_k(cos th) = cos(k th)).
This module gives mu_k as exact SymPy numbers (rationals, powers of pi, sqrt, Gamma values) for every
d >= 2 and k >= 0, for the building blocks of theory section 5 and for network kernels built from them.

Method (theory section 5; each formula is cited again where it is coded):

* Monomials: mu_k[u^p] = p! Gamma(d/2) / (2^p ((p-k)/2)! Gamma((p+k+d)/2)) for k <= p, p - k even, else 0.
  Every atom below is a power series in u^2 (or u times one); summing item 4 against it gives a
  2F1 at argument 1, closed by Gauss summation 2F1(a, b; c; 1) = Gamma(c) Gamma(c-a-b) / (Gamma(c-a)
  Gamma(c-b)) (DLMF 15.4.20):

      2F1(al, be; 1/2; u^2):    mu_2m   = Gamma(d/2) (al)_m (be)_m Gamma(d/2-al-be)
                                          / (Gamma(m+d/2-al) Gamma(m+d/2-be))
      u 2F1(al, be; 3/2; u^2):  mu_2m+1 = Gamma(d/2)/2 (al)_m (be)_m Gamma(1+d/2-al-be)
                                          / (Gamma(m+1+d/2-al) Gamma(m+1+d/2-be))

  This covers arcsin u = u 2F1(1/2, 1/2; 3/2; u^2), sqrt(1 - u^2) = 2F1(-1/2, 1/2; 1/2; u^2), every
  (1 - u^2)^e, and the NNGP maps E_a of x_+^a (Cho & Saul 2009; theory section 2). With u^2 replaced by
  s u^2, |s| < 1 (erf kernels), the sum is a 2F1 at s that is not a closed form: it is returned as a
  SymPy ``hyper`` object only when asked for (``allow_hyper=True``).
* (1 - u)^g: Rodrigues' formula and k integrations by parts (theory 5.1); (1 + u)^g: times (-1)^k.
* e^(q u): Gamma(d/2) (2/q)^(d/2-1) I_(k+d/2-1)(q) (Watson 1944; DLMF 10.32.2 with Funk-Hecke).
* Multiplication by u: mu_k[u g] = (k mu_(k-1)[g] + (k+d-2) mu_(k+1)[g]) / (2k+d-2), mu_0[u g] = mu_1[g]
  (three-term recurrence of P_k).

Exactness and speed. In :func:`exact_eigenvalues` every sequence is held as a rational combination of
a few SymPy constants (one per parity class for the Gamma forms): Gamma ratios advance by rational
factors in k, so the work is Python ``Fraction`` arithmetic and a kernel's mu_k comes out as, e.g., the
rational 5/64 (d = 3 ReLU NTK) or 14/(9 pi^2) (d = 2). Structural zeros (odd k >= 3 of the 2-layer ReLU
NTK) are exact ``0``, never thresholds.

Conventions: :mod:`asympt.core.conventions`. Entry point: :func:`exact_eigenvalues`.

References: Cho & Saul 2009 (arc-cosine kernels); Bietti & Mairal 2019, Bietti & Bach 2021 (NTK
spectra on the sphere); DLMF 15.4.20 (Gauss summation), 18.5.5 (Rodrigues), 10.32.2 (I_nu).
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy

from asympt.core.conventions import u
from asympt.core.errors import InvalidInput, NotSupported, check_int

__all__ = [
    "M_constant",
    "M_log_constant",
    "exact_eigenvalues",
    "gamma_ratio",
    "mu_E_a",
    "mu_abs_power",
    "mu_arcsin",
    "mu_exp",
    "mu_kappa0",
    "mu_kappa1",
    "mu_log_term",
    "mu_monomial",
    "mu_one_minus_u_pow",
    "mu_one_minus_u_pow_mp",
    "mu_one_plus_u_pow",
    "mu_positive_power",
    "mu_sqrt_one_minus_u2",
    "mu_times_u",
    "times_u",
]

_HALF = Fraction(1, 2)
_S = sympy.S


# ---- argument handling ---------------------------------------------------------------------------


def _dim(dim) -> int:
    return check_int("dim", dim, minimum=2)


def _deg(k, name="k") -> int:
    return check_int(name, k, minimum=0)


def _number(name: str, value) -> sympy.Expr:
    """A real parameter as a SymPy number (a Rational whenever the input is rational).

    Floats and decimal strings are read as the decimal the user wrote (0.3 -> 3/10, shortest repr),
    never through ``sympify``; SymPy expressions (symbols included) pass through unchanged.
    """
    if isinstance(value, bool):
        raise InvalidInput(f"{name} must be a real number: {value!r}")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(f"{name} must be a finite real number: {value!r}")
        f = Fraction(repr(value))
        return sympy.Rational(f.numerator, f.denominator)
    if isinstance(value, str):
        try:
            f = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise InvalidInput(f"{name} must be a number such as 3/2 or 0.3: {value!r}") from None
        return sympy.Rational(f.numerator, f.denominator)
    if isinstance(value, sympy.Float):
        f = Fraction(str(value))
        return sympy.Rational(f.numerator, f.denominator)
    if isinstance(value, sympy.Expr):
        if value.is_real is False or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            raise InvalidInput(f"{name} must be real and finite: {value!r}")
        return value
    raise InvalidInput(f"{name} must be a real number (int, Fraction, float, decimal string or SymPy "
                       f"number): {value!r}")


def _frac(x) -> Fraction | None:
    """Fraction of a rational Python or SymPy number, else None."""
    if isinstance(x, bool):
        return None
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, Fraction):
        return x
    if isinstance(x, sympy.Rational):
        return Fraction(int(x.p), int(x.q))
    return None


def _R(f: Fraction) -> sympy.Rational:
    return sympy.Rational(f.numerator, f.denominator)


def _G(x: Fraction) -> sympy.Expr:
    return sympy.gamma(_R(x))


def _canon(expr) -> sympy.Expr:
    """Reduce Gamma(n + p/q) to rational * Gamma(p/q) so that Gamma quotients cancel.

    Only for constants with small Gamma arguments: ``expand_func`` of Gamma(2003/4) alone takes 2.6 s.
    """
    return sympy.expand_func(expr)


def _is_nonneg_int(x) -> bool:
    return x.is_Integer is True and x >= 0


def _ratio(nums, dens, j: int):
    """prod_a (a)_j / prod_b (b)_j: a Fraction when every parameter is rational, else SymPy."""
    if all(isinstance(a, Fraction) for a in (*nums, *dens)):
        r = Fraction(1)
        for i in range(j):
            for a in nums:
                r *= a + i
            for b in dens:
                r /= b + i
        return _R(r)
    out = _S.One
    for a in nums:
        out *= sympy.RisingFactorial(a, j)
    for b in dens:
        out /= sympy.RisingFactorial(b, j)
    return out


def _ratios(nums, dens, n: int) -> list:
    """[prod_a (a)_j / prod_b (b)_j for j in range(n)] as Fractions (all parameters Fractions)."""
    r = Fraction(1)
    out = []
    for j in range(n):
        out.append(r)
        for a in nums:
            r *= a + j
        if r == 0:
            out.extend([Fraction(0)] * (n - j - 1))
            return out
        for b in dens:
            r /= b + j
    return out


# ---- item 4 and 5: monomials and |u|^b -----------------------------------------------------------


def mu_monomial(p: int, dim: int, k: int) -> sympy.Expr:
    """mu_k[u^p] on S^(d-1), p a non-negative integer (theory 5.4).

    mu_k[u^p] = p! Gamma(d/2) / (2^p ((p-k)/2)! Gamma((p+k+d)/2)) if k <= p and p - k is even, else 0
    (u^p is a polynomial of degree p and parity p; P_k is orthogonal to lower degrees).

    >>> [mu_monomial(2, 3, k) for k in range(4)]     # u^2 = 1/3 + N(3,2) mu_2 P_2 = 1/3 + (2/3) P_2 on S^2
    [1/3, 0, 2/15, 0]
    >>> mu_monomial(1, 2, 1)                         # cos th = cos(1 th): mu_1 = 1/2 on the circle
    1/2
    """
    p = check_int("p", p, minimum=0)
    d, k = _dim(dim), _deg(k)
    if k > p or (p - k) % 2:
        return _S.Zero
    # Gamma(d/2)/Gamma((p+k+d)/2) = 1/(d/2)_((p+k)/2), a rational
    return _R(Fraction(math.factorial(p), 2**p * math.factorial((p - k) // 2))
              / _poch(Fraction(d, 2), (p + k) // 2))


def _poch(a: Fraction, n: int) -> Fraction:
    r = Fraction(1)
    for i in range(n):
        r *= a + i
    return r


def mu_abs_power(b, dim: int, k: int) -> sympy.Expr:
    """mu_k of |u|^b for even k, of sign(u)|u|^b for odd k, real b > -1 (theory 5.5).

    s_k = Gamma(b+1) Gamma(d/2) / (2^b Gamma(1+(b-k)/2) Gamma((b+k+d)/2)), zero when 1+(b-k)/2 is a
    non-positive integer (then |u|^b or sign(u)|u|^b is a polynomial of degree b < k). Derived as item 4
    with p! and ((p-k)/2)! continued by Gamma; only the part of matching parity is seen by P_k.

    >>> mu_abs_power(1, 3, 0)          # E|t| = 1/2 on S^2 (t uniform on [-1, 1])
    1/2
    >>> mu_abs_power(2, 3, 4)          # |u|^2 = u^2 has degree 2
    0
    """
    b = _number("b", b)
    d, k = _dim(dim), _deg(k)
    if (b > -1) is not sympy.true and b.is_number:
        raise InvalidInput(f"b must be > -1 (|u|^b must be integrable): {b}")
    arg = 1 + (b - k) / 2
    if arg.is_integer and arg <= 0:
        return _S.Zero
    # k = k0 + 2j: Gamma(x0 - j) = Gamma(x0) / prod_(i=1..j) (x0 - i), Gamma(y0 + j) = Gamma(y0) (y0)_j,
    # so only a rational factor depends on j (x0 = 1 + (b-k0)/2 > 0 and y0 = (b+k0+d)/2 > 0 for b > -1)
    k0, j = k % 2, k // 2
    x0, y0 = 1 + (b - k0) / 2, (b + k0 + d) / 2
    const = (sympy.gamma(b + 1) * sympy.gamma(sympy.Rational(d, 2))
             / (2**b * sympy.gamma(x0) * sympy.gamma(y0)))
    bf = _frac(b)
    if bf is None:
        return const * sympy.RisingFactorial(x0 - j, j) / sympy.RisingFactorial(y0, j)
    return _canon(const) * _ratio([_frac(x0) - j], [_frac(y0)], j)


def mu_positive_power(b, dim: int, k: int) -> sympy.Expr:
    """mu_k[u_+^b] = s_k / 2 with s_k = :func:`mu_abs_power` (u_+^b = (|u|^b + sign(u)|u|^b)/2).

    >>> mu_positive_power(0, 3, 0), mu_positive_power(0, 3, 1)   # the step function on S^2
    (1/2, 1/4)
    """
    return mu_abs_power(b, dim, k) / 2


# ---- items 1-3: (1 -+ u)^gamma and the log term -------------------------------------------------


def _pow_constant(g, d: int) -> sympy.Expr:
    """mu_0[(1-u)^g] = 2^(g+d-2) Gamma(d/2) Gamma(g+(d-1)/2) / (sqrt(pi) Gamma(g+d-1))."""
    h = sympy.Rational(d - 1, 2)
    return (2 ** (g + d - 2) * sympy.gamma(sympy.Rational(d, 2)) * sympy.gamma(g + h)
            / (sympy.sqrt(sympy.pi) * sympy.gamma(g + d - 1)))


def _check_pow(g, d):
    if g.is_number and (g + sympy.Rational(d - 1, 2) > 0) is not sympy.true:
        raise InvalidInput(f"gamma must be > -(d-1)/2 = {sympy.Rational(1 - d, 2)} for (1-u)^gamma to be "
                           f"integrable on S^{d - 1}: {g}")


def mu_one_minus_u_pow(gamma, dim: int, k: int) -> sympy.Expr:
    """mu_k[(1-u)^gamma], exact, for every real gamma > -(d-1)/2 (theory 5.1).

    mu_k = 2^(gamma+d-2) Gamma(d/2) Gamma(gamma+(d-1)/2) (-gamma)_k / (sqrt(pi) Gamma(gamma+k+d-1))
    (Rodrigues' formula, DLMF 18.5.5, and k integrations by parts). The Pochhammer form covers the
    polynomial case: for gamma = n a non-negative integer, (-n)_k = 0 for k > n. Large k:
    mu_k = M(gamma, d) k^-(d-1+2 gamma) (1 + O(1/k)), M = :func:`M_constant`. A SymPy symbol for gamma
    gives the symbolic formula.

    >>> mu_one_minus_u_pow(sympy.Rational(1, 2), 3, 1)     # d = 3: (1/2) int sqrt(1-t) t dt
    -2*sqrt(2)/15
    >>> [mu_one_minus_u_pow(2, 3, k) for k in range(4)]     # a polynomial of degree 2: zero from k = 3
    [4/3, -2/3, 2/15, 0]
    """
    g = _number("gamma", gamma)
    d, k = _dim(dim), _deg(k)
    _check_pow(g, d)
    gf = _frac(g)
    if gf is None:
        return _pow_constant(g, d) * sympy.RisingFactorial(-g, k) / sympy.RisingFactorial(g + d - 1, k)
    return _canon(_pow_constant(g, d)) * _ratio([-gf], [gf + d - 1], k)


def mu_one_plus_u_pow(gamma, dim: int, k: int) -> sympy.Expr:
    """mu_k[(1+u)^gamma] = (-1)^k mu_k[(1-u)^gamma] (u -> -u maps P_k to (-1)^k P_k; theory 5.2).

    >>> mu_one_plus_u_pow(1, 3, 1)      # (1+u) = P_0 + P_1 on S^2, and mu_1[u] = 1/3
    1/3
    """
    return (-1) ** _deg(k) * mu_one_minus_u_pow(gamma, dim, k)


def M_constant(gamma, dim: int) -> sympy.Expr:
    """Constant M(gamma, d) of mu_k[(1-u)^gamma] ~ M k^-(d-1+2 gamma) (theory 5.1).

    M(gamma, d) = 2^(gamma+d-2) Gamma(d/2) Gamma(gamma+(d-1)/2) / (sqrt(pi) Gamma(-gamma)); zero when gamma is
    a non-negative integer (then (1-u)^gamma is a polynomial: use :func:`M_log_constant` for the
    (1-u)^n log(1-u) term). Sign: M < 0 for 0 < gamma < 1, M > 0 for 1 < gamma < 2.

    >>> M_constant(sympy.Rational(1, 2), 3)     # -2^(d-5/2) Gamma(d/2)^2 / pi at d = 3
    -sqrt(2)/4
    >>> M_constant(2, 5)
    0
    """
    g = _number("gamma", gamma)
    d = _dim(dim)
    _check_pow(g, d)
    if _is_nonneg_int(g):
        return _S.Zero
    h = sympy.Rational(d - 1, 2)
    val = (2 ** (g + d - 2) * sympy.gamma(sympy.Rational(d, 2)) * sympy.gamma(g + h)
           / (sympy.sqrt(sympy.pi) * sympy.gamma(-g)))
    return _canon(val) if g.is_Rational else val


def M_log_constant(n: int, dim: int) -> sympy.Expr:
    """Constant of mu_k[(1-u)^n log(1-u)] ~ M_log k^-(d-1+2n), n a non-negative integer (theory 5.3).

    M_log(n, d) = (-1)^(n+1) n! 2^(n+d-2) Gamma(d/2) Gamma(n+(d-1)/2) / sqrt(pi): M(gamma, d) with
    1/Gamma(-gamma) replaced by its gamma-derivative at gamma = n, (-1)^(n+1) n!.

    >>> M_log_constant(0, 3)          # log(1-u) on S^2: mu_k = -1/(k(k+1)), k >= 1
    -1
    """
    n = check_int("n", n, minimum=0)
    d = _dim(dim)
    h = sympy.Rational(d - 1, 2)
    return ((-1) ** (n + 1) * sympy.factorial(n) * 2 ** (n + d - 2) * sympy.gamma(sympy.Rational(d, 2))
            * sympy.gamma(n + h) / sympy.sqrt(sympy.pi))


def mu_log_term(n: int, dim: int, k: int) -> sympy.Expr:
    """mu_k[(1-u)^n log(1-u)], n a non-negative integer, every k >= 0 (theory 5.3).

    It is the gamma-derivative at gamma = n of item 1, G(gamma) = mu_k[(1-u)^gamma]:

    * k > n: (-gamma)_k has a simple zero at gamma = n and
      mu_k = (-1)^(n+1) n! 2^(n+d-2) Gamma(d/2) Gamma(n+(d-1)/2) Gamma(k-n) / (sqrt(pi) Gamma(k+n+d-1));
    * k <= n: mu_k = G(n) [log 2 + psi(n+(d-1)/2) - psi(n+k+d-1) + sum_(i<k) 1/(n-i)]
      (logarithmic derivative of each factor; psi at integers and half-integers is exact, so the value
      is rational * G(n) plus a rational multiple of G(n) log 2).

    >>> [mu_log_term(0, 3, k) for k in range(1, 4)]      # log(1-u) on S^2: -1/(k(k+1))
    [-1/2, -1/6, -1/12]
    >>> mu_log_term(0, 3, 0)                             # (1/2) int log(1-t) dt = log 2 - 1
    -1 + log(2)
    """
    n = check_int("n", n, minimum=0)
    d, k = _dim(dim), _deg(k)
    h = sympy.Rational(d - 1, 2)
    if k > n:
        return (M_log_constant(n, d) * sympy.gamma(k - n) / sympy.gamma(k + n + d - 1))
    G = mu_one_minus_u_pow(n, d, k)
    logder = (sympy.log(2) + sympy.digamma(n + h) - sympy.digamma(n + k + d - 1)
              + sum((sympy.Rational(1, n - i) for i in range(k)), _S.Zero))
    return sympy.expand(G * logder)


def mu_one_minus_u_pow_mp(gamma, dim: int, k: int, *, dps: int | None = None):
    """mu_k[(1-u)^gamma] as an mpmath number, stable for k up to 10^5 and beyond.

    Evaluates 2^(gamma+d-2) Gamma(d/2)/sqrt(pi) * Gamma(gamma+(d-1)/2) Gamma(k-gamma) / (Gamma(-gamma)
    Gamma(k+gamma+d-1)) with ``mpmath.gammaprod``, which takes the limit where Gamma(-gamma) and
    Gamma(k-gamma) both have poles (gamma a non-negative integer, k <= gamma) and returns an exact 0
    for k > gamma. mpmath numbers have an unbounded exponent, so Gamma(10^5) needs no logarithms.
    Works at the caller's precision, or at ``dps`` digits (10 guard digits added inside). ``gamma`` may
    be an mpmath number (used as is) or anything :func:`mu_one_minus_u_pow` accepts.

    >>> import mpmath
    >>> v = mu_one_minus_u_pow_mp(0.5, 3, 1, dps=30)
    >>> mpmath.nstr(v, 12)                 # -2 sqrt(2)/15
    '-0.188561808316'
    >>> mu_one_minus_u_pow_mp(2, 3, 5)
    mpf('0.0')
    """
    import mpmath

    d, k = _dim(dim), _deg(k)
    work = (dps if dps is not None else mpmath.mp.dps) + 10
    if isinstance(gamma, mpmath.mpf):  # a numerical exponent (e.g. inside mpmath.diff) is used as is
        g = None
        if not gamma + mpmath.mpf(d - 1) / 2 > 0:
            raise InvalidInput(f"gamma must be > -(d-1)/2 = {Fraction(1 - d, 2)} for (1-u)^gamma to be "
                               f"integrable on S^{d - 1}: {gamma}")
    else:
        g = _number("gamma", gamma)
        _check_pow(g, d)
    with mpmath.workdps(work):
        if g is None:
            gm = +gamma
        else:
            gm = mpmath.mpf(g.p) / g.q if g.is_Rational else mpmath.mpf(sympy.N(g, work + 5))
        pref = mpmath.ldexp(mpmath.power(2, gm), d - 2) * mpmath.gamma(mpmath.mpf(d) / 2) / mpmath.sqrt(mpmath.pi)
        val = pref * mpmath.gammaprod([gm + mpmath.mpf(d - 1) / 2, k - gm], [-gm, k + gm + d - 1])
    if dps is not None:
        with mpmath.workdps(dps):
            return +val
    return +val


def gamma_ratio(gamma, dim: int, k: int, *, dps: int | None = None):
    """The uniform approximant mu_k[(1-u)^gamma]: exact SymPy, or mpmath at ``dps`` digits.

    Same number as :func:`mu_one_minus_u_pow` (exact) or :func:`mu_one_minus_u_pow_mp` (``dps`` given).
    Unlike the power law M k^-(d-1+2 gamma), it is exact at every k, so a kernel with singular term
    c (1-u)^gamma has mu_k = c * gamma_ratio(...) + (faster-decaying terms).

    >>> gamma_ratio(sympy.Rational(3, 2), 3, 0)       # (1/2) int (1-t)^(3/2) dt = 2^(5/2)/5
    4*sqrt(2)/5
    """
    if dps is None:
        return mu_one_minus_u_pow(gamma, dim, k)
    check_int("dps", dps, minimum=1)
    return mu_one_minus_u_pow_mp(gamma, dim, k, dps=dps)


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


def mu_arcsin(a, dim: int, k: int, *, dps: int | None = None):
    """mu_k[arcsin(a u)], |a| <= 1 (erf kernels: a = 2 sigma^2/(1 + 2 sigma^2)).

    Odd k = 2m+1 only (arcsin is odd):
    mu_2m+1 = (Gamma(d/2)/2) a^(2m+1) ((1/2)_m)^2 / Gamma(2m+1+d/2) 2F1(m+1/2, m+1/2; 2m+1+d/2; a^2)
    (theory 5.8: the series arcsin(x) = sum_n (1/2)_n x^(2n+1) / (n! (2n+1)) summed against item 4).
    For |a| = 1, Gauss summation closes it: mu_2m+1 = sign(a) Gamma(d/2)^2 Gamma(m+1/2)^2 /
    (2 pi Gamma(m+(d+1)/2)^2). For |a| < 1 the 2F1 is not a closed form in general: the exact value is
    returned with an unevaluated SymPy ``hyper``, or, with ``dps``, as an mpmath number at that
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
        return _S.Zero if dps is None else _mp_zero()
    m = (k - 1) // 2
    if abs(a) == 1:
        val = sympy.sign(a) * _odd_hyper_value(_HALF, _HALF, d, m)
        return val if dps is None else _to_mp(val, dps)
    h = sympy.Rational(d, 2)
    coef = (a ** (2 * m + 1) * sympy.RisingFactorial(sympy.Rational(1, 2), m) ** 2
            / (2 * sympy.RisingFactorial(h, 2 * m + 1)))
    if dps is None:
        return coef * sympy.hyper([m + _R(_HALF)] * 2, [2 * m + 1 + h], a**2)
    import mpmath

    with mpmath.workdps(dps + 10):
        val = _to_mp(coef, dps + 10) * mpmath.hyp2f1(m + mpmath.mpf(1) / 2, m + mpmath.mpf(1) / 2,
                                                   2 * m + 1 + mpmath.mpf(d) / 2, _to_mp(a**2, dps + 10))
    with mpmath.workdps(dps):
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


# ---- exact_eigenvalues: recognise k(u) as a sum of polynomial(u) * atom ---------------------------
#
# Atoms (hashable keys):
#   ("one",)                      the constant 1 (polynomials come from item 7 applied to it)
#   ("even", al, be, s)           2F1(al, be; 1/2; s u^2)           (Fractions al, be, s)
#   ("odd", al, be, s)            u 2F1(al, be; 3/2; s u^2)
#   ("pow", g, sign)              (1 - sign u)^g                     (Fraction g, sign = +1 or -1)
#   ("exp", q)                    e^(q u)                            (q a nonzero real SymPy number)
# A sequence is a list over k of {(constant, special): Fraction}: mu_k = sum Fraction * constant * special,
# with constant 1 or a per-parity Gamma constant, and special 1 or (hyper / Bessel atoms) a per-k
# special-function value.

_ONE = ("one",)


class _Unrecognised(Exception):
    """Internal: the expression is not a finite sum of polynomial * atom."""


def _coeff_of_u(arg, power):
    """c with arg == c * u**power, c a nonzero real number, else None."""
    c = sympy.expand(arg / u**power)
    if c.has(u) or not c.is_number or c == 0 or c.is_extended_real is not True:
        return None
    return c


def _parse_atom(f):
    """[(atom, coefficient, shift in the power of u)] with f == sum coefficient * u^shift * atom."""
    if isinstance(f, (sympy.asin, sympy.acos)):
        c = _coeff_of_u(f.args[0], 1)
        s = _frac(c**2) if c is not None else None
        if s is None or s > 1:
            raise _Unrecognised
        # arcsin(c u) = c u 2F1(1/2, 1/2; 3/2; c^2 u^2); arccos = pi/2 - arcsin
        odd = (("odd", _HALF, _HALF, s), c, 0)
        if isinstance(f, sympy.asin):
            return [odd]
        return [(_ONE, sympy.pi / 2, 0), (odd[0], -c, 0)]
    if isinstance(f, sympy.exp) or (f.is_Pow and f.base is sympy.E):
        arg = f.args[0] if isinstance(f, sympy.exp) else f.exp
        q = _coeff_of_u(arg, 1)
        if q is None:
            raise _Unrecognised
        return [(("exp", q), _S.One, 0)]
    if isinstance(f, (sympy.sinh, sympy.cosh)):
        q = _coeff_of_u(f.args[0], 1)
        if q is None:
            raise _Unrecognised
        sgn = -1 if isinstance(f, sympy.sinh) else 1
        return [(("exp", q), _S.Half, 0), (("exp", -q), sgn * _S.Half, 0)]
    if isinstance(f, sympy.hyper):
        ap, bq, z = f.ap, f.bq, f.argument
        if len(ap) != 2 or len(bq) != 1:
            raise _Unrecognised
        al, be, c = _frac(ap[0]), _frac(ap[1]), _frac(bq[0])
        s = _coeff_of_u(z, 2)
        s = _frac(s) if s is not None else None
        if None in (al, be, c, s) or s > 1 or s <= -1:
            raise _Unrecognised
        if c == _HALF:
            return [(("even", al, be, s), _S.One, 0)]
        if c == Fraction(3, 2):
            return [(("odd", al, be, s), _S.One, -1)]
        raise _Unrecognised
    if f.is_Pow:
        e = _frac(f.exp)
        if e is None or e.denominator == 1 and e > 0:
            raise _Unrecognised  # integer powers of non-polynomials were expanded away
        base = f.base
        if not base.is_polynomial(u):
            raise _Unrecognised
        poly = sympy.Poly(base, u)
        if poly.degree() > 2:
            raise _Unrecognised
        c0, c1, c2 = (poly.coeff_monomial(u**i) for i in range(3))
        if not (c0.is_number and c0.is_positive):
            raise _Unrecognised
        scale = c0 ** f.exp
        if c1 == 0 and c2 != 0:
            s = _frac(-c2 / c0)
            if s is None or s > 1 or s <= -1:
                raise _Unrecognised
            # (1 - s u^2)^e = 2F1(-e, 1/2; 1/2; s u^2)
            return [(("even", -e, _HALF, s), scale, 0)]
        if c2 == 0 and c1 != 0:
            r = c1 / c0
            if r == -1:
                return [(("pow", e, 1), scale, 0)]
            if r == 1:
                return [(("pow", e, -1), scale, 0)]
        raise _Unrecognised
    raise _Unrecognised


def _parse_term(term):
    """[(atom, power of u, coefficient)] for one product term."""
    coeff, p, factors = _S.One, 0, []
    for f in sympy.Mul.make_args(term):
        if not f.has(u):
            coeff *= f
        elif f == u:
            p += 1
        elif f.is_Pow and f.base == u and f.exp.is_Integer and f.exp > 0:
            p += int(f.exp)
        else:
            factors.append(f)
    if not factors:
        return [(_ONE, p, coeff)]
    parsed = [_parse_atom(f) for f in factors]
    if len(parsed) == 2 and all(len(x) == 1 and x[0][0][0] == "pow" for x in parsed):
        (a1, c1, _), (a2, c2, _) = parsed[0][0], parsed[1][0]
        if a1[1] == a2[1] and a1[2] == -a2[2]:
            # (1-u)^e (1+u)^e = (1-u^2)^e = 2F1(-e, 1/2; 1/2; u^2)
            parsed = [[(("even", -a1[1], _HALF, Fraction(1)), c1 * c2, 0)]]
    if len(parsed) != 1:
        raise _Unrecognised
    out = []
    for atom, c, shift in parsed[0]:
        if p + shift < 0:
            raise _Unrecognised
        out.append((atom, p + shift, coeff * c))
    return out


def _transcendental(node) -> bool:
    return isinstance(node, sympy.Function) or (node.is_Pow and not node.exp.is_Integer) or (
        node.is_Pow and node.base is sympy.E)


def _shallow(expr) -> bool:
    """False as soon as a function of u has an argument that is itself transcendental in u.

    Catches depth >= 3 kernels (arccos of arccos ...) before any expansion, in one early-exit walk.
    """
    for node in sympy.preorder_traversal(expr):
        if _transcendental(node) and node.has(u):
            for arg in node.args:
                if arg.has(u) and any(_transcendental(s) and s.has(u) for s in sympy.preorder_traversal(arg)):
                    return False
    return True


def _decompose(expr) -> dict:
    """{atom: {power p: coefficient}} with expr == sum coefficient * u^p * atom, or _Unrecognised."""
    if expr.free_symbols - {u} or expr.has(sympy.Float) or not _shallow(expr):
        raise _Unrecognised
    out: dict = {}
    for term in sympy.Add.make_args(sympy.expand(expr)):
        for atom, p, c in _parse_term(term):
            polys = out.setdefault(atom, {})
            polys[p] = polys.get(p, _S.Zero) + c
    return out


def _atom_sequence(atom, d: int, n: int, allow_hyper: bool) -> list:
    """mu_0..mu_(n-1) of one atom as [{constant: Fraction}]."""
    seq = [dict() for _ in range(n)]
    kind = atom[0]
    if kind == "one":
        seq[0] = {(_S.One, _S.One): Fraction(1)}
        return seq
    h = Fraction(d, 2)
    if kind in ("even", "odd"):
        _, al, be, s = atom
        start = 0 if kind == "even" else 1
        count = (n - start + 1) // 2
        if s == 1:
            const, nums, dens = (_even_hyper_const if kind == "even" else _odd_hyper_const)(al, be, d)
            for m, r in enumerate(_ratios(nums, dens, count)):
                if r:
                    seq[start + 2 * m] = {(const, _S.One): r}
            return seq
        if not allow_hyper:
            raise NotSupported("2F1 at s != 1 is not a closed form (pass allow_hyper=True)")
        # mu_(2m+start) = Gamma(d/2)/(2^start Gamma(2m+start+d/2)) s^m (al)_m (be)_m 2F1(al+m, be+m; 2m+start+d/2; s)
        coef = Fraction(1, 2) / h if start else Fraction(1)
        for m in range(count):
            if coef:
                c = 2 * m + start + h
                basis = sympy.hyper([_R(al + m), _R(be + m)], [_R(c)], _R(s))
                seq[start + 2 * m] = {(_S.One, basis): coef}
            coef = coef * s * (al + m) * (be + m) / ((h + 2 * m + start) * (h + 2 * m + start + 1))
        return seq
    if kind == "pow":
        _, g, sign = atom
        if not g + Fraction(d - 1, 2) > 0:
            raise NotSupported(f"(1 -+ u)^{g} is not integrable on S^{d - 1}")
        const = _canon(_pow_constant(_R(g), d))
        for k, r in enumerate(_ratios([-g], [g + d - 1], n)):
            if r:
                seq[k] = {(const, _S.One): r if sign == 1 or k % 2 == 0 else -r}
        return seq
    if kind == "exp":
        q = atom[1]
        Q, neg = (-q, True) if q.is_negative else (q, False)
        lam = sympy.Rational(d - 2, 2)
        pref = _canon(sympy.gamma(sympy.Rational(d, 2))) * (2 / Q) ** lam
        for k in range(n):
            # evaluate=False: besseli.eval would only unpolarify a positive argument (1 ms per call)
            seq[k] = {(pref, sympy.besseli(k + lam, Q, evaluate=False)): Fraction(-1 if neg and k % 2 else 1)}
        return seq
    raise AssertionError(atom)


def _times_u_sequence(seq: list, d: int) -> list:
    """Item 7 on a list of {key: Fraction}; one shorter."""
    out = []
    for k in range(len(seq) - 1):
        if k == 0:
            out.append(dict(seq[1]))
            continue
        den = 2 * k + d - 2
        a, b = Fraction(k, den), Fraction(k + d - 2, den)
        res = {key: a * v for key, v in seq[k - 1].items()}
        for key, v in seq[k + 1].items():
            res[key] = res.get(key, 0) + b * v
        out.append({key: v for key, v in res.items() if v})
    return out


def _eigenvalues_of_expr(expr, d: int, kmax: int, allow_hyper: bool):
    try:
        terms = _decompose(expr)
    except _Unrecognised:
        return None
    split_cache: dict = {}

    def split(c, const):
        # c * const as sum of Fraction * rest, so that equal constants from different atoms merge
        key = (c, const)
        if key not in split_cache:
            parts = []
            for t in sympy.Add.make_args(sympy.expand(c * const)):
                num, rest = t.as_coeff_Mul()
                f = _frac(num)
                if f is None:
                    raise _Unrecognised
                parts.append((f, rest))
            split_cache[key] = parts
        return split_cache[key]

    acc = [dict() for _ in range(kmax + 1)]
    try:
        for atom, polys in terms.items():
            polys = {p: _canon(c) for p, c in polys.items() if c != 0}
            if not polys:
                continue
            pmax = max(polys)
            seq = _atom_sequence(atom, d, kmax + pmax + 1, allow_hyper)
            for p in range(pmax + 1):
                c = polys.get(p)
                if c is not None:
                    for k in range(kmax + 1):
                        for (const, special), r in seq[k].items():
                            for f, rest in split(c, const):
                                key = (rest, special)
                                acc[k][key] = acc[k].get(key, 0) + r * f
                if p < pmax:
                    seq = _times_u_sequence(seq, d)
    except (_Unrecognised, NotSupported):
        return None
    return [sympy.Add(*[sympy.Mul(_R(v), rest, special) for (rest, special), v in terms_k.items() if v])
            for terms_k in acc]


def exact_eigenvalues(kernel, dim: int, kmax: int, *, allow_hyper: bool = False):
    """Exact mu_0..mu_kmax of a dot-product kernel, or None when its expression is not recognised.

    ``kernel`` is a :class:`~asympt.kernels.kernel.DotProductKernel` (its ``expr``, a SymPy expression in
    :data:`asympt.u`, is used) or such an expression. Recognised: finite sums of polynomial(u) * atom,
    with atom one of

    * 1 (so any polynomial), arcsin(u), arccos(u) (= pi/2 - arcsin u), sqrt(1 - u^2) and every
      (a - a u^2)^e, sqrt(1-u) sqrt(1+u) (read as (1-u^2)^(1/2)), (1 - u)^g and (1 + u)^g, rational e, g;
    * hyper([al, be], [1/2], u^2) and u * hyper([al, be], [3/2], u^2), rational parameters (the E_a
      maps of :func:`asympt.kernels.dual_kernels.arccos_kernel_E` for non-integer a);
    * exp(q u), sinh(q u), cosh(q u), q a nonzero real number (values with ``besseli``).

    arcsin(c u), (a - b u^2)^e and the hyper atoms at s u^2 with rational 0 < |c^2|, |b/a|, |s| < 1
    (erf kernels) lead to a 2F1 at that argument, which is not a closed form: the function returns None
    for them unless ``allow_hyper=True``, which gives exact values holding unevaluated SymPy ``hyper``
    objects (N() evaluates them; about 5x slower to build). Anything else (first-layer bias, whose
    arccos argument is (1+u)/2; depth >= 3, whose arccos has an arccos inside; numeric-only activations
    with ``expr`` None; Floats; products of two atoms) gives None after one early-exit tree walk.
    A kernel whose Funk-Hecke integral diverges (e.g. (1-u^2)^(-1/2) on the circle) also gives None.

    Every value is exact: items 4/7 on the constant, Gauss summation for the 2F1 atoms (theory 5.8),
    Rodrigues for (1 -+ u)^g (5.1-5.2), Bessel for exponentials (5.6), and repeated multiplication by u
    (5.7) for the polynomial factors, all with rational arithmetic in k.

    Raises :class:`~asympt.core.errors.InvalidInput` for dim < 2, kmax < 0 or a ``kernel`` that is neither a
    DotProductKernel nor a SymPy expression.

    >>> from asympt.kernels.networks import ntk, nngp
    >>> exact_eigenvalues(ntk("relu"), 3, 4)          # He 2-layer ReLU NTK on S^2
    [1/2, 1/3, 5/64, 0, 1/192]
    >>> exact_eigenvalues(ntk("relu"), 2, 2)          # circle: rational multiples of 1/pi^2
    [6/pi**2, 1/2, 14/(9*pi**2)]
    >>> exact_eigenvalues(ntk("relu", 3), 3, 4) is None          # depth 3: not a closed form here
    True
    """
    d = _dim(dim)
    kmax = check_int("kmax", kmax, minimum=0)
    if isinstance(kernel, sympy.Basic):
        expr = kernel
    else:
        try:
            expr = kernel.expr
        except AttributeError:
            raise InvalidInput(f"kernel must be a DotProductKernel or a SymPy expression in u: {kernel!r}") from None
    if expr is None:
        return None
    if not isinstance(expr, sympy.Expr):
        raise InvalidInput(f"kernel.expr must be a SymPy expression in u or None: {expr!r}")
    return _eigenvalues_of_expr(expr, d, kmax, bool(allow_hyper))
