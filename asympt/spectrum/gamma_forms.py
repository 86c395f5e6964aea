"""Exact Funk-Hecke eigenvalues of power-type atoms: u^p, |u|^b, (1 -+ u)^gamma, the log term (theory 5.1-5.5).

Part of the exact tier (:mod:`asympt.spectrum.closed_forms` describes the concept and re-exports every
name). Also holds the shared helpers of the catalogue: argument checks, exact Fractions, Gamma ratios
advanced by rational factors in k.
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy

from asympt.core.errors import InvalidInput, check_int

__all__ = [
    "gamma_ratio", "M_constant", "M_log_constant", "mu_abs_power", "mu_log_term", "mu_monomial",
    "mu_one_minus_u_pow", "mu_one_minus_u_pow_mp", "mu_one_plus_u_pow", "mu_positive_power",
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


def mu_one_minus_u_pow_mp(gamma, dim: int, k: int, *, digits: int | None = None):
    """mu_k[(1-u)^gamma] as an mpmath number, stable for k up to 10^5 and beyond.

    Evaluates 2^(gamma+d-2) Gamma(d/2)/sqrt(pi) * Gamma(gamma+(d-1)/2) Gamma(k-gamma) / (Gamma(-gamma)
    Gamma(k+gamma+d-1)) with ``mpmath.gammaprod``, which takes the limit where Gamma(-gamma) and
    Gamma(k-gamma) both have poles (gamma a non-negative integer, k <= gamma) and returns an exact 0
    for k > gamma. mpmath numbers have an unbounded exponent, so Gamma(10^5) needs no logarithms.
    Works at the caller's precision, or at ``digits`` digits (10 guard digits added inside). ``gamma`` may
    be an mpmath number (used as is) or anything :func:`mu_one_minus_u_pow` accepts.

    >>> import mpmath
    >>> v = mu_one_minus_u_pow_mp(0.5, 3, 1, digits=30)
    >>> mpmath.nstr(v, 12)                 # -2 sqrt(2)/15
    '-0.188561808316'
    >>> mu_one_minus_u_pow_mp(2, 3, 5)
    mpf('0.0')
    """
    import mpmath

    d, k = _dim(dim), _deg(k)
    work = (digits if digits is not None else mpmath.mp.dps) + 10
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
    if digits is not None:
        with mpmath.workdps(digits):
            return +val
    return +val


def gamma_ratio(gamma, dim: int, k: int, *, digits: int | None = None):
    """The uniform approximant mu_k[(1-u)^gamma]: exact SymPy, or mpmath at ``digits`` digits.

    Same number as :func:`mu_one_minus_u_pow` (exact) or :func:`mu_one_minus_u_pow_mp` (``digits`` given).
    Unlike the power law M k^-(d-1+2 gamma), it is exact at every k, so a kernel with singular term
    c (1-u)^gamma has mu_k = c * gamma_ratio(...) + (faster-decaying terms).

    >>> gamma_ratio(sympy.Rational(3, 2), 3, 0)       # (1/2) int (1-t)^(3/2) dt = 2^(5/2)/5
    4*sqrt(2)/5
    """
    if digits is None:
        return mu_one_minus_u_pow(gamma, dim, k)
    check_int("digits", digits, minimum=1)
    return mu_one_minus_u_pow_mp(gamma, dim, k, digits=digits)


