"""Spherical-cap targets f* = 1[w.x > cos theta0] (:class:`Cap`).

Formulas (conventions of :mod:`asympt.core.conventions`: P_k(1) = 1, t = w.x has density c_d (1 - t^2)^((d-3)/2),
c_d = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)), multiplicity N(d, k); every d >= 2)
---------------------------------------------------------------------------------------------------
* Spherical cap f* = 1[w.x > cos theta0] (:class:`Cap`): s_0 = sigma(cap) = c_d int_0^theta0 sin^(d-2),
  and for k >= 1, from theory 5.9 and C_(k-1)^(lam+1)(1) / C_k^lam(1) = k (k + 2 lam) / (2 lam (2 lam + 1)),

      s_k = c_d sin^(d-1)(theta0) P^(d+2)_(k-1)(cos theta0) / (d - 1)

  with P^(d+2) the Gegenbauer polynomial of dimension d + 2 (normalised at 1). This form also holds for
  d = 2, where it reads s_k = sin(k theta0) / (pi k). e_k ~ B_cap k^-2 cos^2((k+lam) theta0 - (lam+1) pi/2),
  B_cap = 2^(d-1) Gamma(d/2)^2 sin^(d-2)(theta0) / (pi^2 (d-2)!). The amplitude averages to B_cap/2 on
  each parity class for every theta0 != pi/2 (equidistribution if theta0/pi is irrational, a full sum of
  roots of unity if it is rational); theta0 = pi/2 is the step neuron (B_even = 0, B_odd = B_cap).

Reference: Atkinson & Han 2012, "Spherical harmonics and approximations on the unit sphere", ch. 2
(Funk-Hecke, Gegenbauer identities).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import mpmath
import sympy

from asympt.core.errors import InvalidInput, PrecisionLost, check_int

from .base import _GUARD, _MAX_DEGREE, Target, TargetLaw, _c_exact, _c_mp, _check_dim, _multiplicity, _to_mp

__all__ = ["Cap"]


@dataclass(frozen=True)
class Cap(Target):
    """Spherical cap indicator f*(x) = 1[w.x > cos theta0], theta0 in (0, pi) (radians, exact SymPy).

    s_0 = sigma(cap), s_k = c_d sin^(d-1)(theta0) P^(d+2)_(k-1)(cos theta0) / (d - 1) for k >= 1
    (theory 5.9, simplified; d = 2: sin(k theta0)/(pi k)); e_k = N(d, k) s_k^2.

    >>> from asympt.targets import parse_target
    >>> cap = parse_target("cap:pi/3")
    >>> cap.norm2(3), cap.energy(3, 1), cap.energy(2, 3)
    (1/4, 27/256, 0)
    >>> from asympt.targets import parse_target
    >>> parse_target("cap:pi/2").energy(4, 3) == parse_target("halfspace").energy(4, 3)
    True
    """

    theta0: sympy.Expr

    def __post_init__(self):
        th = self.theta0
        if isinstance(th, (int, Fraction)) and not isinstance(th, bool):
            th = sympy.Rational(th.numerator, th.denominator)
        inside = isinstance(th, sympy.Expr) and th.is_real and (th > 0) == True and (th < sympy.pi) == True  # noqa: E712
        if not inside:
            raise InvalidInput(f"cap angle theta0 must be a real number in (0, pi): {self.theta0!r}")
        object.__setattr__(self, "theta0", th)

    @property
    def spec(self) -> str:
        return f"cap:{sympy.sstr(self.theta0)}"

    def describe(self) -> str:
        return f"spherical cap indicator 1[w.x > cos(theta0)], theta0 = {sympy.sstr(self.theta0)} rad"

    @property
    def _rational_angle(self):
        """theta0 / pi if it is rational, else None."""
        r = self.theta0 / sympy.pi
        return r if r.is_rational else None

    def _s_exact(self, dim: int, k: int):
        d = sympy.Integer(dim)
        th = self.theta0
        if k == 0:
            return self.norm2(dim)
        if dim == 2:
            return sympy.sin(k * th) / (sympy.pi * k)
        gplus = sympy.gegenbauer(k - 1, d / 2, sympy.cos(th)) / sympy.gegenbauer(k - 1, d / 2, 1)
        return _c_exact(dim) * sympy.sin(th) ** (d - 1) * gplus / (d - 1)

    def energy(self, dim: int, k: int):
        dim = _check_dim(dim)
        k = check_int("k", k, minimum=0, maximum=_MAX_DEGREE)
        return sympy.Integer(_multiplicity(dim, k)) * sympy.expand(self._s_exact(dim, k) ** 2)

    def norm2(self, dim: int):
        """sigma(cap) = c_d int_0^theta0 sin^(d-2), by I_m = -sin^(m-1) cos / m + (m-1)/m I_(m-2)."""
        dim = _check_dim(dim)
        th = self.theta0
        s, c = sympy.sin(th), sympy.cos(th)
        m0 = (dim - 2) % 2
        integral = th if m0 == 0 else 1 - c
        for m in range(m0 + 2, dim - 1, 2):
            integral = -s ** (m - 1) * c / m + sympy.Rational(m - 1, m) * integral
        if dim == 2:
            return th / sympy.pi
        return sympy.expand(_c_exact(dim) * integral)

    def _energies_mp(self, dim: int, kmax: int, dps: int) -> list:
        work = dps + _GUARD + int(math.log10(kmax + 2)) + 2
        with mpmath.workdps(work):
            th = _to_mp(self.theta0, work)
            t0 = mpmath.cos(th) if self.theta0 != sympy.pi / 2 else mpmath.mpf(0)
            pre = _c_mp(dim) * mpmath.sin(th) ** (dim - 1) / (dim - 1)
            out = [_to_mp(self.norm2(dim), work) ** 2]
            tiny = mpmath.mpf(2) ** (-(mpmath.mp.prec - 40))
            # normalised Gegenbauer of dimension d + 2: (n + d) p_(n+1) = (2n + d) t p_n - n p_(n-1)
            p_prev, p = mpmath.mpf(0), mpmath.mpf(1)
            for k in range(1, kmax + 1):
                n = k - 1
                if n >= 1:
                    m = n - 1  # p_n from p_(n-1), p_(n-2)
                    p_prev, p = p, ((2 * m + dim) * t0 * p - m * p_prev) / (m + dim)
                value = p
                if abs(value) < tiny * (n + 1) and self._rational_angle is not None:
                    # inside the rounding noise: decide exactly in Q(cos theta0) (never by a threshold)
                    exact = _cap_gegenbauer_exact(self.theta0, dim, kmax)[n]
                    if exact is None:
                        out.append(mpmath.mpf(0))
                        continue
                    value = _field_value(exact, self.theta0, work)
                out.append(_multiplicity(dim, k) * (pre * value) ** 2)
            return out

    def oscillating_amplitude(self, dim: int, k: int):
        """B_cap cos^2((k + lam) theta0 - (lam + 1) pi/2), lam = (d-2)/2: e_k ~ this / k^2 (exact SymPy)."""
        dim = _check_dim(dim)
        lam = sympy.Rational(dim - 2, 2)
        return self._amplitude(dim) * sympy.cos((k + lam) * self.theta0 - (lam + 1) * sympy.pi / 2) ** 2

    def _amplitude(self, dim: int):
        d = sympy.Integer(dim)
        return (2 ** (d - 1) * sympy.gamma(d / 2) ** 2 * sympy.sin(self.theta0) ** (d - 2)
                / (sympy.pi**2 * sympy.factorial(d - 2)))

    def asymptotic(self, dim: int) -> TargetLaw:
        dim = _check_dim(dim)
        B = self._amplitude(dim)
        if self.theta0 == sympy.pi / 2:
            return TargetLaw(sympy.Integer(2), sympy.S.Zero, B, False,
                             "theta0 = pi/2 is the half-space (step neuron): energy on odd k only", "power")
        # mean of cos^2 over a parity class: 1/2 + (1/2) mean cos(2 phi_k); the latter vanishes unless
        # 2 theta0 / pi is an integer (Weyl equidistribution if theta0/pi is irrational, a full sum of
        # roots of unity if it is rational), i.e. unless theta0 = pi/2.
        note = ("e_k ~ B_cap cos^2((k + lam) theta0 - (lam + 1) pi/2) k^-2 (theory section 6); "
                "B_even and B_odd are the mean B_cap/2 of the oscillating amplitude")
        return TargetLaw(sympy.Integer(2), B / 2, B / 2, True, note, "power")


@lru_cache(maxsize=16)
def _cap_gegenbauer_exact(theta0, dim: int, kmax: int) -> tuple:
    """Exact P^(d+2)_n(cos theta0), n < kmax, for rational theta0/pi, in the field Q(cos theta0).

    Elements are coefficient tuples over 1, c, ..., c^(D-1), c = cos theta0, reduced by its minimal
    polynomial (degree D); an exactly vanishing value is returned as None. Used only to decide whether a
    value inside the rounding noise is an exact zero.
    """
    t = sympy.Symbol("t")
    minpoly = sympy.minimal_polynomial(sympy.cos(theta0), t, polys=True).monic()
    low = [Fraction(int(sympy.fraction(c)[0]), int(sympy.fraction(c)[1])) for c in reversed(minpoly.all_coeffs()[1:])]
    deg = len(low)

    def times_c(e):
        top = e[-1]
        shifted = [Fraction(0)] + list(e[:-1])
        return [a - top * b for a, b in zip(shifted, low)]

    one = [Fraction(1)] + [Fraction(0)] * (deg - 1)
    p_prev, p = None, one
    values = [tuple(one)]
    for m in range(kmax):
        tp = times_c(p)
        nxt = [Fraction(2 * m + dim, m + dim) * a for a in tp] if m == 0 else \
            [(Fraction(2 * m + dim) * a - m * b) / (m + dim) for a, b in zip(tp, p_prev)]
        p_prev, p = p, nxt
        values.append(None if not any(nxt) else tuple(nxt))
    return tuple(values)


def _field_value(element, theta0, work: int):
    """Evaluate sum_i a_i cos(theta0)^i with enough digits to cover its cancellation."""
    for extra in (40, 200, 1000):
        with mpmath.workdps(work + extra):
            c = _to_mp(sympy.cos(theta0), work + extra)
            terms = [mpmath.mpf(a.numerator) / a.denominator * c**i for i, a in enumerate(element)]
            value = mpmath.fsum(terms)
            scale = max(abs(v) for v in terms)
            if value != 0 and abs(value) > scale * mpmath.mpf(10) ** (-(extra - 10)):
                return +value
    raise PrecisionLost(f"cap at theta0 = {theta0}: could not resolve a nearly vanishing Gegenbauer value")
