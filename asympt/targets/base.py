"""The :class:`Target` interface, the large-degree law :class:`TargetLaw`, and the sphere helpers the
target classes share.

A target enters the loss only through its energies e_k = ||P_k f*||^2 on the degrees k of spherical
harmonics (see :mod:`asympt.targets`). :class:`Target` fixes the interface (exact e_k, high-precision
e_k, exact norm, exact and high-precision tails, the law e_k ~ B_p k^-beta) and implements the generic
parts: argument checks, tails from the norm minus a head sum at a precision raised by the cancellation
(theory 9.7), and forward tails for energies that decay faster than any power.

Formulas (conventions of :mod:`asympt.core.conventions`: P_k(1) = 1, t = w.x has density c_d (1 - t^2)^((d-3)/2),
c_d = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)), multiplicity N(d, k); every d >= 2)
---------------------------------------------------------------------------------------------------
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import sympy

from asympt.core.errors import PrecisionLost, check_int
from asympt.kernels.activations import Activation, x

__all__ = ["Target", "TargetLaw"]

_GUARD = 10  # guard digits of every mpmath evaluation
_MAX_DPS = 2000  # largest dps a caller may ask for
_MAX_WORKING_DPS = 6000  # largest working precision of the adaptive quadrature
_MAX_DEGREE = 10**6

# ----------------------------------------------------------------------------------------------
# Sphere helpers (private; asympt.core.sphere has the public versions)
# ----------------------------------------------------------------------------------------------


def _check_dim(dim) -> int:
    return check_int("dim", dim, minimum=2)


def _check_dps(dps) -> int:
    return check_int("dps", dps, minimum=1, maximum=_MAX_DPS)


def _multiplicity(dim: int, k: int) -> int:
    """N(d, k), from :func:`asympt.core.sphere.multiplicity` (the one implementation)."""
    from asympt.core.sphere import multiplicity

    return multiplicity(dim, k)


def _c_exact(dim: int):
    """c_d = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)), density constant of t = w.x."""
    d = sympy.Integer(dim)
    return sympy.gamma(d / 2) / (sympy.sqrt(sympy.pi) * sympy.gamma((d - 1) / 2))


def _c_mp(dim: int):
    return mpmath.gamma(mpmath.mpf(dim) / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpmath.mpf(dim - 1) / 2))


def _moment_exact(dim: int, p: int):
    """E_t[t^p] = Gamma(d/2) Gamma(p/2 + 1/2) / (sqrt(pi) Gamma(p/2 + d/2)) for even p, 0 for odd p."""
    if p % 2:
        return sympy.S.Zero
    d = sympy.Integer(dim)
    h = sympy.Rational(p, 2)
    return sympy.gamma(d / 2) * sympy.gamma(h + sympy.S.Half) / (sympy.sqrt(sympy.pi) * sympy.gamma(h + d / 2))


def _monomial_s_exact(dim: int, p: int, k: int):
    """s_k[t^p] = p! Gamma(d/2) / (2^p ((p-k)/2)! Gamma((p+k+d)/2)) for k <= p, p - k even (theory 5.4)."""
    if k > p or (p - k) % 2:
        return sympy.S.Zero
    d = sympy.Integer(dim)
    return (sympy.factorial(p) * sympy.gamma(d / 2)
            / (2**p * sympy.factorial((p - k) // 2) * sympy.gamma(sympy.Rational(p + k, 2) + d / 2)))


def _to_mp(value, dps: int):
    """Evaluate an exact SymPy number at dps + guard digits and return an mpmath mpf."""
    if isinstance(value, int):
        value = sympy.Integer(value)
    if value == 0:
        return mpmath.mpf(0)
    f = sympy.N(value, dps + _GUARD)
    if not f.is_real:
        raise PrecisionLost(f"could not evaluate {value} to a real number at {dps} digits")
    with mpmath.workdps(dps + _GUARD):  # an mpf is rounded to the context precision when created
        return mpmath.mpf(sympy.Float(f, dps + _GUARD)._mpf_)


def _sum_exact(terms):
    return sympy.Add(*terms)


def _poly_coeffs(expr) -> dict:
    """{p: a_p} for a polynomial SymPy expression in x."""
    poly = sympy.Poly(sympy.expand(expr), x)
    return {m[0]: c for m, c in zip(poly.monoms(), poly.coeffs())}


@lru_cache(maxsize=128)
def _parity_parts(act: Activation) -> tuple:
    """((even part, is polynomial), (odd part, is polynomial)) of g, decided symbolically."""
    e = act.expr
    if act.parity == "odd":
        return (sympy.S.Zero, True), (e, e.is_polynomial(x) is True)
    if act.parity == "even":
        return (e, e.is_polynomial(x) is True), (sympy.S.Zero, True)
    em = e.subs(x, -x)
    even = sympy.simplify((e + em) / 2)
    odd = sympy.simplify((e - em) / 2)
    return (even, even.is_polynomial(x) is True), (odd, odd.is_polynomial(x) is True)


@lru_cache(maxsize=128)
def _mp_function(act: Activation):
    return sympy.lambdify(x, act.expr, modules="mpmath")


# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TargetLaw:
    """Large-degree law of a target: e_k ~ B_p k^-beta on the degrees of parity p.

    Attributes:
        beta: decay exponent (exact SymPy), or None when ``kind`` is "finite" or "smooth".
        B_even, B_odd: amplitudes on even and odd k (exact SymPy; 0 means e_k = o(k^-beta) on that
            parity, e.g. exact zeros). For an oscillating amplitude they are the mean over the class.
        oscillating: True if the amplitude on a parity class is not constant (spherical caps with
            theta0 != pi/2); B_even / B_odd are then averages.
        note: one line of words: where the law comes from.
        kind: "power" (e_k ~ B k^-beta), "finite" (e_k = 0 beyond ``max_degree``) or "smooth" (e_k decays
            faster than any power of k).
        max_degree: the largest occupied degree for kind "finite".
    """

    beta: sympy.Expr | None
    B_even: sympy.Expr | None
    B_odd: sympy.Expr | None
    oscillating: bool = False
    note: str = ""
    kind: str = "power"
    max_degree: int | None = None

    def amplitude(self, k: int):
        """B_p for the parity p of k."""
        return self.B_odd if k % 2 else self.B_even


# ----------------------------------------------------------------------------------------------
# Base class
# ----------------------------------------------------------------------------------------------


class Target:
    """A target function class on S^(d-1): per-degree energies, norm, tails and large-k law.

    Subclasses implement ``spec``, ``describe``, ``energy`` (exact), ``_energies_mp`` and ``norm2``; the
    others have generic implementations here.
    """

    @property
    def spec(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def energy(self, dim: int, k: int):  # pragma: no cover - abstract
        """Exact e_k (SymPy). Raises NotSupported when no closed form exists (use energy_mp)."""
        raise NotImplementedError

    def norm2(self, dim: int):  # pragma: no cover - abstract
        """Exact ||f*||^2 = sum_k e_k (SymPy)."""
        raise NotImplementedError

    def asymptotic(self, dim: int) -> TargetLaw:  # pragma: no cover - abstract
        """The large-k law e_k ~ B_p k^-beta, as a :class:`TargetLaw` with exact SymPy constants."""
        raise NotImplementedError

    def _energies_mp(self, dim: int, kmax: int, dps: int) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- generic API ---------------------------------------------------------------------------

    def energies(self, dim: int, kmax: int, dps: int = 30) -> list:
        """[e_0, ..., e_kmax] as mpmath numbers correct to about ``dps`` significant digits.

        Structural zeros (parity, finite degree) are exact ``mpf(0)``.
        """
        dim = _check_dim(dim)
        kmax = check_int("kmax", kmax, minimum=0, maximum=_MAX_DEGREE)
        dps = _check_dps(dps)
        return list(self._energies_mp(dim, kmax, dps))

    def energy_mp(self, dim: int, k: int, dps: int = 30):
        """e_k as an mpmath number correct to about ``dps`` significant digits."""
        dim = _check_dim(dim)
        k = check_int("k", k, minimum=0, maximum=_MAX_DEGREE)
        dps = _check_dps(dps)
        return self._energies_mp(dim, k, dps)[k]

    def norm2_mp(self, dim: int, dps: int = 30):
        """||f*||^2 as an mpmath number (the exact value, evaluated)."""
        dim = _check_dim(dim)
        dps = _check_dps(dps)
        return _to_mp(self.norm2(dim), dps)

    def tail(self, dim: int, K: int):
        """Exact sum_(k >= K) e_k = ||f*||^2 - sum_(k < K) e_k (SymPy)."""
        dim = _check_dim(dim)
        K = check_int("K", K, minimum=0, maximum=_MAX_DEGREE)
        return self.norm2(dim) - _sum_exact(self.energy(dim, k) for k in range(K))

    def tail_mp(self, dim: int, K: int, dps: int = 30):
        """sum_(k >= K) e_k to about ``dps`` significant digits.

        Power-law targets: ||f*||^2 - sum_(k<K) e_k at a working precision raised by the cancellation,
        beta log10 K digits (theory 9.7). Smooth targets: the forward sum, until the terms are negligible.
        """
        dim = _check_dim(dim)
        K = check_int("K", K, minimum=0, maximum=_MAX_DEGREE)
        dps = _check_dps(dps)
        law = self.asymptotic(dim)
        if law.kind == "finite":
            if K > law.max_degree:
                return mpmath.mpf(0)
            with mpmath.workdps(dps + _GUARD):
                return mpmath.fsum(self._energies_mp(dim, law.max_degree, dps)[K:])
        if law.kind == "smooth":
            return _forward_tail(self, dim, K, dps)
        extra = int(math.ceil(float(law.beta) * math.log10(K + 2))) + 5
        work = min(dps + extra, _MAX_DPS)
        with mpmath.workdps(work + _GUARD):
            total = self.norm2_mp(dim, work)
            head = mpmath.fsum(self._energies_mp(dim, K - 1, work)) if K > 0 else 0
            return total - head


def _forward_tail(target: Target, dim: int, K: int, dps: int):
    """sum_(k >= K) e_k for fast-decaying e_k: sum forward until 4 consecutive terms are negligible."""
    span = 24
    while span <= 8192:
        values = target._energies_mp(dim, K + span, dps)[K:]
        with mpmath.workdps(dps + _GUARD):
            total = mpmath.fsum(values)
            last = max(abs(v) for v in values[-4:])
            if last == 0 or last <= total * mpmath.mpf(10) ** (-(dps + 5)):
                return total
        span *= 2
    raise PrecisionLost(f"tail of {target.spec} at K = {K}: the energies did not become negligible "
                        f"within {span // 2} further degrees")
