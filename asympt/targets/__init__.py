"""Target functions f* on the sphere S^(d-1) and their per-degree energies e_k.

Concept
-------
The population loss of kernel-regime training is L(t) = 1/2 sum_k e_k exp(-2 mu_k t) (theory section 7),
so a target enters only through its energy on each degree k of spherical harmonics,

    e_k = ||P_k f*||^2_{L^2(sigma)},        sum_k e_k = ||f*||^2       (Parseval),

with sigma the uniform probability measure on S^(d-1) and P_k the projection on degree-k harmonics.
A :class:`Target` gives e_k exactly (SymPy) where a closed form exists, to any precision with mpmath
otherwise, the exact norm ||f*||^2, exact tails sum_{k >= K} e_k = ||f*||^2 - sum_{k < K} e_k (theory 9.7)
and the large-k law e_k ~ B_p k^-beta on each parity class p (:class:`TargetLaw`).

Formulas (conventions of :mod:`asympt.core.conventions`: P_k(1) = 1, t = w.x has density c_d (1 - t^2)^((d-3)/2),
c_d = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)), multiplicity N(d, k); every d >= 2)
---------------------------------------------------------------------------------------------------
* Single neuron f*(x) = g(w.x), |w| = 1 (:class:`Neuron`). Funk-Hecke: P_k f* = N(d,k) s_k P_k(w.x) with
  s_k = E_t[g(t) P_k(t)], hence **e_k = N(d, k) s_k^2** (theory section 6).

  - g = t_+^b (ReLU b = 1, step b = 0, relu^b): s_k = Gamma(b+1) Gamma(d/2) / (2^(b+1) Gamma(1+(b-k)/2)
    Gamma((b+k+d)/2)) (theory 5.5, halved), zero when 1 + (b-k)/2 is a non-positive integer; so for integer
    b, e_k = 0 exactly on k = b (mod 2), k >= b + 2. Consecutive ratio s_(k+2)/s_k = (b-k)/(b+k+d).
    Large k: e_k = B(k) k^-(2b+2) (1 + O(1/k)), B(k) = 2^(d-1) Gamma(b+1)^2 Gamma(d/2)^2
    sin^2(pi (k-b)/2) / (pi^2 (d-2)!), i.e. B_even = K sin^2(pi b/2), B_odd = K cos^2(pi b/2) with
    K = 2^(d-1) Gamma(b+1)^2 Gamma(d/2)^2 / (pi^2 (d-2)!) (d = 2 included: (d-2)! = 1, N(2, k) = 2).
  - leaky ReLU max(t, s t) = s t + (1-s) t_+; abs = t_+ + (-t)_+ so s_k(abs) = (1 + (-1)^k) s_k(t_+);
    identity: s_1 = 1/d only; polynomials: s_k[t^p] = p! Gamma(d/2) / (2^p ((p-k)/2)! Gamma((p+k+d)/2))
    (theory 5.4).
  - erf: s_(2j+1) = (-1)^j (1/2)_j Gamma(d/2) / (sqrt(pi) Gamma(2j+1+d/2)) 1F1(j+1/2; 2j+1+d/2; -1),
    from the Taylor series of erf and theory 5.4; even k: 0.
  - sin, cos: Funk-Hecke of e^(irt) is i^k Gamma(d/2) (2/r)^(d/2-1) J_(k+d/2-1)(r) (theory 5.6), so
    s_k(cos) = (-1)^(k/2) Gamma(d/2) 2^(d/2-1) J_(k+d/2-1)(1) on even k, s_k(sin) likewise on odd k.
  - any other activation (tanh, sigmoid, softplus, gelu, silu, expressions in x): Funk-Hecke
    quadrature, see "Numerical method" below. A parity part of g that is a polynomial (the even part 1/2
    of sigmoid, the odd part x/2 of gelu, silu and softplus) is treated exactly.
* Spherical cap f* = 1[w.x > cos theta0] (:class:`Cap`): s_0 = sigma(cap) = c_d int_0^theta0 sin^(d-2),
  and for k >= 1, from theory 5.9 and C_(k-1)^(lam+1)(1) / C_k^lam(1) = k (k + 2 lam) / (2 lam (2 lam + 1)),

      s_k = c_d sin^(d-1)(theta0) P^(d+2)_(k-1)(cos theta0) / (d - 1)

  with P^(d+2) the Gegenbauer polynomial of dimension d + 2 (normalised at 1). This form also holds for
  d = 2, where it reads s_k = sin(k theta0) / (pi k). e_k ~ B_cap k^-2 cos^2((k+lam) theta0 - (lam+1) pi/2),
  B_cap = 2^(d-1) Gamma(d/2)^2 sin^(d-2)(theta0) / (pi^2 (d-2)!). The amplitude averages to B_cap/2 on
  each parity class for every theta0 != pi/2 (equidistribution if theta0/pi is irrational, a full sum of
  roots of unity if it is rational); theta0 = pi/2 is the step neuron (B_even = 0, B_odd = B_cap).
* Sobolev-type class (:class:`Sobolev`): the theory notes' working definition is the tail law
  sum_(k >= K) e_k ~ T K^-2s. The concrete member used here is **e_0 = 0, e_k = T (k^-2s - (k+1)^-2s)**,
  whose tails are exactly T K^-2s (K >= 1) and ||f*||^2 = T; e_k = 2 s T k^-(2s+1) (1 + O(1/k)).
* Power law (:class:`PowerLaw`): e_0 = 0, e_k = k^-beta (beta > 1); ||f*||^2 = zeta(beta), tails are
  Hurwitz zeta(beta, K) (the setting of Velikanov & Yarotsky 2021).
* Finite spherical harmonic (:class:`Harmonic`): energy 1 on each listed degree, 0 elsewhere.
* Source condition f* = K^r g (:class:`RKHS`): e_k(f*) = mu_k^(2r) e_k(g); needs the kernel's eigenvalues
  mu_k, supplied with :meth:`RKHS.with_spectrum`. The default g is the Sobolev member with s = 1/2
  (e_k(g) = 1/(k(k+1)), ||g|| = 1, the smoothness of a half-space indicator).

Numerical method (neurons without a closed form)
------------------------------------------------
s_k = c_d int_0^pi g(cos th) P_k(cos th) sin^(d-2) th dth on midpoint nodes th_j = (j + 1/2) pi / n:
for even d the integrand is a cosine series and the equal-weight (Gauss-Chebyshev) rule is exact to
degree 2n - 1; for odd d the weight sin th is handled by Fejer's first rule (weights
(2/n)(1 - 2 sum_m cos(2 m th_j)/(4m^2 - 1)), Waldvogel 2006) on 2n nodes. Symmetric node pairs split g
into its even and odd parts, and for each parity one two-step recurrence in u = t^2 runs over all nodes
in fixed-point integer arithmetic (theory 9.2-9.3), with the weights folded into the recurrence, so each
degree costs one big multiplication per node.
Since s_k of an analytic g decays like rho^-k while the integrand is of size 1, the working precision is
raised until it covers the cancellation (theory 9.1): the envelope max_(j >= k) |s_j| must exceed the
rounding floor by dps + 8 digits at k = kmax, and the coefficients computed beyond kmax must show that
aliasing is below 10^-dps. Both checks are repeated after each refinement; PrecisionLost is raised if
they cannot be met within 6000 digits. Values are then correct to about dps digits relative to that
envelope (an accidental near-zero s_k is correct in absolute, not relative, terms).

References: Bietti & Bach 2021 (ICLR, "Deep equals shallow for ReLU networks in kernel regimes") for the
Funk-Hecke / Gegenbauer decay of single-neuron targets; Velikanov & Yarotsky 2021 (arXiv 2105.00507)
for power-law target spectra; Atkinson & Han 2012, "Spherical harmonics and approximations on the unit
sphere", ch. 2 (Funk-Hecke, Gegenbauer identities); Waldvogel 2006, BIT 46, 195-202 (Fejer weights).
These are pointers; every formula above is checked in tests/test_targets.py against an independent
quadrature or an exact identity.

Entry point: :func:`parse_target` (``neuron``, ``neuron:NAME``, ``halfspace``, ``cap:THETA0``,
``sobolev:S[:T]``, ``harmonic:K[,K2,...]``, ``powerlaw:BETA``, ``rkhs:R[:BASE]``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from typing import Callable

import mpmath
import sympy

from asympt.kernels.activations import Activation, activation, x
from asympt.core.errors import InvalidInput, NotSupported, PrecisionLost, check_int

__all__ = [
    "Cap",
    "Harmonic",
    "Neuron",
    "PowerLaw",
    "RKHS",
    "Sobolev",
    "Target",
    "TargetLaw",
    "parse_target",
]

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


# ----------------------------------------------------------------------------------------------
# The law e_k ~ B_p k^-beta
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


# ----------------------------------------------------------------------------------------------
# Single neuron g(w.x)
# ----------------------------------------------------------------------------------------------


def _kink_s_exact(b, dim: int, k: int):
    """s_k of t_+^b (theory section 6); exact 0 on k = b (mod 2), k >= b + 2 for integer b."""
    if b.is_integer and k >= b + 2 and (k - b) % 2 == 0:
        return sympy.S.Zero
    d = sympy.Integer(dim)
    return (sympy.gamma(b + 1) * sympy.gamma(d / 2)
            / (2 ** (b + 1) * sympy.gamma(1 + (b - k) / 2) * sympy.gamma((b + k + d) / 2)))


def _kink_s_mp(b, dim: int, kmax: int) -> list:
    """[s_0..s_kmax] of t_+^b by the ratio s_(k+2) = s_k (b - k)/(b + k + d); exact zeros stay exact."""
    bb = mpmath.mpf(b.p) / b.q
    d = mpmath.mpf(dim)
    pre = mpmath.gamma(bb + 1) * mpmath.gamma(d / 2) / mpmath.power(2, bb + 1)
    s = [pre * mpmath.rgamma(1 + bb / 2) * mpmath.rgamma((bb + d) / 2),
         pre * mpmath.rgamma((bb + 1) / 2) * mpmath.rgamma((bb + 1 + d) / 2)]
    integer_b = b.is_integer
    for k in range(kmax - 1):
        if integer_b and k == int(b):
            s.append(mpmath.mpf(0))  # (b - k) = 0: exact
        else:
            s.append(s[k] * (bb - k) / (bb + k + d))
    return s[: kmax + 1]


def _kink_norm2(b, dim: int):
    """E[t_+^(2b)] = Gamma(d/2) Gamma(b + 1/2) / (2 sqrt(pi) Gamma(b + d/2))."""
    d = sympy.Integer(dim)
    return sympy.gamma(d / 2) * sympy.gamma(b + sympy.S.Half) / (2 * sympy.sqrt(sympy.pi) * sympy.gamma(b + d / 2))


def _kink_amplitude(b, dim: int):
    """K = 2^(d-1) Gamma(b+1)^2 Gamma(d/2)^2 / (pi^2 (d-2)!): B(k) = K sin^2(pi (k - b)/2)."""
    d = sympy.Integer(dim)
    return 2 ** (d - 1) * sympy.gamma(b + 1) ** 2 * sympy.gamma(d / 2) ** 2 / (sympy.pi**2 * sympy.factorial(d - 2))


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


def _neuron_kind(act: Activation) -> str:
    if act.family == "homogeneous":
        kind = act.param("kind")
        return {"step": "power", "power": "power", "leaky": "leaky", "abs": "abs", "identity": "identity"}[kind]
    return act.family  # erf, sin, cos, polynomial, numeric


@dataclass(frozen=True)
class Neuron(Target):
    """Single-index target f*(x) = g(w.x), |w| = 1, with g a registered activation.

    e_k = N(d, k) s_k^2, s_k = E_t[g(t) P_k(t)] (Funk-Hecke; see the module docstring for the closed
    forms). ``label`` only changes the wording (``halfspace`` is the step neuron).

    >>> relu = parse_target("neuron:relu")
    >>> relu.norm2(3), [relu.energy(3, k) for k in range(6)]
    (1/6, [1/16, 1/12, 5/256, 0, 1/1024, 0])
    >>> relu.tail(3, 6) == relu.norm2(3) - sum(relu.energy(3, k) for k in range(6))
    True
    >>> tail = relu.norm2(3) - sum(relu.energies(3, 1000, dps=20))   # ~ 1/(6 pi K^3), K = 1001
    >>> round(float(tail * 6 * sympy.pi * 1001**3), 2)
    1.0
    >>> parse_target("halfspace").energy(5, 4), parse_target("halfspace").norm2(7)
    (0, 1/2)
    """

    act: Activation
    label: str | None = None

    @property
    def spec(self) -> str:
        return self.label or f"neuron:{self.act.name}"

    @property
    def _kind(self) -> str:
        return _neuron_kind(self.act)

    def describe(self) -> str:
        name = "half-space indicator 1[w.x > 0] (step neuron)" if self.label == "halfspace" else \
            f"single neuron g(w.x), g = {self.act.name}"
        return f"{name}; {self.act.smoothness.describe()}"

    # -- exact --------------------------------------------------------------------------------

    def _s_exact(self, dim: int, k: int):
        kind, act, d = self._kind, self.act, sympy.Integer(dim)
        if kind == "power":
            return _kink_s_exact(sympy.Rational(act.degree), dim, k)
        if kind == "leaky":
            slope = act.param("slope")
            lin = slope / d if k == 1 else sympy.S.Zero
            return (1 - slope) * _kink_s_exact(sympy.S.One, dim, k) + lin
        if kind == "abs":
            return 2 * _kink_s_exact(sympy.S.One, dim, k) if k % 2 == 0 else sympy.S.Zero
        if kind == "identity":
            return 1 / d if k == 1 else sympy.S.Zero
        if kind == "erf":
            if k % 2 == 0:
                return sympy.S.Zero
            j = (k - 1) // 2
            b = 2 * j + 1 + d / 2
            return ((-1) ** j * sympy.rf(sympy.S.Half, j) * sympy.gamma(d / 2) / (sympy.sqrt(sympy.pi) * sympy.gamma(b))
                    * sympy.hyper([j + sympy.S.Half], [b], -1))
        if kind in ("sin", "cos"):
            if (k % 2 == 1) != (kind == "sin"):
                return sympy.S.Zero
            lam = (d - 2) / 2
            sign = (-1) ** (k // 2)
            return sign * sympy.gamma(d / 2) * 2**lam * sympy.besselj(k + lam, 1)
        if kind == "polynomial":
            return _sum_exact(a * _monomial_s_exact(dim, p, k) for p, a in _poly_coeffs(act.expr).items())
        # numeric: exact only on a parity whose part of g is a polynomial
        part, is_poly = _parity_parts(act)[k % 2]
        if is_poly:
            return _sum_exact(a * _monomial_s_exact(dim, p, k) for p, a in _poly_coeffs(part).items())
        raise NotSupported(f"target {self.spec}: no closed form for e_k (k = {k}); use energy_mp(dim, k, dps)")

    def energy(self, dim: int, k: int):
        dim = _check_dim(dim)
        k = check_int("k", k, minimum=0, maximum=_MAX_DEGREE)
        s = self._s_exact(dim, k)
        return sympy.Integer(_multiplicity(dim, k)) * s**2

    def norm2(self, dim: int):
        """Exact E_t[g(t)^2]; an unevaluated SymPy Integral when no closed form is known."""
        dim = _check_dim(dim)
        kind, act, d = self._kind, self.act, sympy.Integer(dim)
        if kind == "power":
            return _kink_norm2(sympy.Rational(act.degree), dim)
        if kind == "leaky":
            return (1 + act.param("slope") ** 2) / (2 * d)
        if kind in ("abs", "identity"):
            return 1 / d
        if kind in ("sin", "cos"):
            sign = 1 if kind == "cos" else -1
            return sympy.S.Half + sign * sympy.gamma(d / 2) * sympy.besselj((d - 2) / 2, 2) / 2
        if kind == "polynomial":
            c = _poly_coeffs(act.expr)
            return _sum_exact(a * b * _moment_exact(dim, p + q) for p, a in c.items() for q, b in c.items())
        t = sympy.Symbol("t", real=True)
        g = act.expr.subs(x, t)
        return sympy.Integral(_c_exact(dim) * g**2 * (1 - t**2) ** ((d - 3) / 2), (t, -1, 1))

    def norm2_mp(self, dim: int, dps: int = 30):
        dim = _check_dim(dim)
        dps = _check_dps(dps)
        if self._kind not in ("erf", "numeric"):
            return _to_mp(self.norm2(dim), dps)
        g = _mp_function(self.act)
        with mpmath.workdps(dps + _GUARD):
            f = lambda th: g(mpmath.cos(th)) ** 2 * mpmath.sin(th) ** (dim - 2)  # noqa: E731
            val, err = mpmath.quad(f, [0, mpmath.pi / 4, mpmath.pi / 2, 3 * mpmath.pi / 4, mpmath.pi],
                                   error=True, maxdegree=10)
            val *= _c_mp(dim)
            if err > abs(val) * mpmath.mpf(10) ** (-dps):
                raise PrecisionLost(f"norm2 of {self.spec}: quadrature error {mpmath.nstr(err, 3)} exceeds "
                                    f"10^-{dps} relative; try a smaller dps")
            return +val

    # -- high precision ----------------------------------------------------------------------

    def _s_mp(self, dim: int, kmax: int, dps: int) -> list:
        kind, act = self._kind, self.act
        if kind == "numeric":
            return _numeric_s(act, dim, kmax, dps)
        with mpmath.workdps(dps + _GUARD):
            d = mpmath.mpf(dim)
            if kind == "power":
                return _kink_s_mp(sympy.Rational(act.degree), dim, kmax)
            if kind in ("leaky", "abs"):
                relu = _kink_s_mp(sympy.S.One, dim, kmax)
                if kind == "abs":
                    return [2 * s if k % 2 == 0 else mpmath.mpf(0) for k, s in enumerate(relu)]
                slope = mpmath.mpf(act.param("slope").p) / act.param("slope").q
                return [(1 - slope) * s + (slope / d if k == 1 else 0) for k, s in enumerate(relu)]
            if kind == "identity":
                return [1 / d if k == 1 else mpmath.mpf(0) for k in range(kmax + 1)]
            if kind == "erf":
                out = []
                for k in range(kmax + 1):
                    if k % 2 == 0:
                        out.append(mpmath.mpf(0))
                        continue
                    j = (k - 1) // 2
                    b = 2 * j + 1 + d / 2
                    out.append((-1) ** j * mpmath.rf(mpmath.mpf(1) / 2, j) * mpmath.gamma(d / 2) * mpmath.rgamma(b)
                               / mpmath.sqrt(mpmath.pi) * mpmath.hyp1f1(j + mpmath.mpf(1) / 2, b, -1))
                return out
            if kind in ("sin", "cos"):
                lam = (d - 2) / 2
                pre = mpmath.gamma(d / 2) * mpmath.power(2, lam)
                return [(-1) ** (k // 2) * pre * mpmath.besselj(k + lam, 1)
                        if (k % 2 == 1) == (kind == "sin") else mpmath.mpf(0) for k in range(kmax + 1)]
            # polynomial: exact values, evaluated
            return [_to_mp(self._s_exact(dim, k), dps) for k in range(kmax + 1)]

    def _energies_mp(self, dim: int, kmax: int, dps: int) -> list:
        s = self._s_mp(dim, kmax, dps)
        with mpmath.workdps(dps + _GUARD):
            return [_multiplicity(dim, k) * v**2 if v != 0 else mpmath.mpf(0) for k, v in enumerate(s)]

    # -- law ----------------------------------------------------------------------------------

    def asymptotic(self, dim: int) -> TargetLaw:
        dim = _check_dim(dim)
        kind, act = self._kind, self.act
        if kind in ("power", "leaky", "abs"):
            b = sympy.Rational(act.degree)
            K = _kink_amplitude(b, dim)
            if kind == "leaky":
                K = K * (1 - act.param("slope")) ** 2
            elif kind == "abs":
                K = 4 * K
            b_even = sympy.simplify(K * sympy.sin(sympy.pi * b / 2) ** 2) if kind == "power" else K
            b_odd = sympy.simplify(K * sympy.cos(sympy.pi * b / 2) ** 2) if kind == "power" else sympy.S.Zero
            note = (f"kink of order {b} at t = 0: e_k ~ 2^(d-1) Gamma(b+1)^2 Gamma(d/2)^2 sin^2(pi(k-b)/2) "
                    f"k^-(2b+2) / (pi^2 (d-2)!) (theory section 6)")
            return TargetLaw(2 * b + 2, b_even, b_odd, False, note, "power")
        if kind in ("identity", "polynomial"):
            deg = 1 if kind == "identity" else sympy.Poly(act.expr, x).degree()
            return TargetLaw(None, sympy.S.Zero, sympy.S.Zero, False,
                             f"polynomial activation of degree {deg}: e_k = 0 for k > {deg}", "finite", deg)
        parts = [] if kind != "numeric" else [p for p, (_, poly) in zip(("even", "odd"), _parity_parts(act)) if poly]
        extra = f"; the {parts[0]} part of g is a polynomial (finitely many modes)" if parts else ""
        return TargetLaw(None, None, None, False,
                         f"{act.name} is analytic on [-1, 1]: e_k decays faster than any power of k{extra}",
                         "smooth")


@dataclass(frozen=True, slots=True)
class SmoothClass:
    """Decay class of e_k on one parity class for a target whose energies fall faster than any power.

    kind:
      * ``"none"``: the parity part of g vanishes (e_k = 0 on the whole class);
      * ``"finite"``: the parity part of g is a polynomial of degree ``max_degree``;
      * ``"geometric"``: e_k = sigma^-k up to a power of k. g(t) analytic inside the Bernstein ellipse
        through its nearest complex singularity t0: sigma = |t0 + sqrt(t0^2 - 1)|^2 (squared: e_k = N s_k^2).
        For poles or branch points at +-i tau (tanh: tau = pi/2; sigmoid, softplus, SiLU: tau = pi),
        sqrt(sigma) = tau + sqrt(tau^2 + 1).
      * ``"super"``: g entire of finite order omega: ln e_k = -c k ln k (1 + o(1)) with c = 2/omega
        (s_k ~ g_k k! Gamma(d/2) / (2^k Gamma(k + d/2)), g_k ~ k^(-k/omega)): erf and GELU (omega = 2):
        c = 1; sin, cos (omega = 1): c = 2.
    """

    kind: str
    sigma: object = None
    c: object = None
    max_degree: int | None = None
    note: str = ""


def smooth_parity_class(act: Activation, parity: int) -> SmoothClass:
    """:class:`SmoothClass` of the parity-``parity`` part of a smooth teacher activation g.

    >>> smooth_parity_class(activation("tanh"), 1).sigma == (sympy.pi / 2 + sympy.sqrt(sympy.pi**2 / 4 + 1))**2
    True
    >>> smooth_parity_class(activation("gelu"), 1).kind, smooth_parity_class(activation("erf"), 1).c
    ('finite', 1)
    """
    name = "even" if parity == 0 else "odd"
    if act.parity in ("even", "odd") and (act.parity == "even") != (parity == 0):
        return SmoothClass("none", note=f"g is {act.parity}: no {name}-degree energy")
    part, is_poly = _parity_parts(act)[parity]
    if part == 0:
        return SmoothClass("none", note=f"the {name} part of g vanishes")
    if is_poly:
        deg = sympy.Poly(part, x).degree()
        return SmoothClass("finite", max_degree=deg, note=f"the {name} part of g is a polynomial of degree {deg}")
    if act.family == "erf" or act.name == "gelu":
        return SmoothClass("super", c=sympy.S.One, note="g entire of order 2: ln e_k ~ -k ln k")
    if act.family in ("sin", "cos"):
        return SmoothClass("super", c=sympy.Integer(2), note="g entire of order 1: ln e_k ~ -2 k ln k")
    sm = act.smoothness
    if sm.kind == "strip" and sm.tau is not None and act.name in ("tanh", "sigmoid", "softplus", "silu"):
        tau = sm.tau
        root = tau + sympy.sqrt(tau**2 + 1)
        return SmoothClass("geometric", sigma=root**2,
                           note=f"singularities of g at t = +-i {tau}: e_k ~ sigma^-k, sigma = (tau + sqrt(tau^2 + 1))^2")
    raise NotSupported(f"target neuron:{act.name}: the nearest complex singularity (or the growth order) of g "
                       "is not known, so the decay rate of its energies is not determined")


# ----------------------------------------------------------------------------------------------
# Spherical cap 1[w.x > cos theta0]
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cap(Target):
    """Spherical cap indicator f*(x) = 1[w.x > cos theta0], theta0 in (0, pi) (radians, exact SymPy).

    s_0 = sigma(cap), s_k = c_d sin^(d-1)(theta0) P^(d+2)_(k-1)(cos theta0) / (d - 1) for k >= 1
    (theory 5.9, simplified; d = 2: sin(k theta0)/(pi k)); e_k = N(d, k) s_k^2.

    >>> cap = parse_target("cap:pi/3")
    >>> cap.norm2(3), cap.energy(3, 1), cap.energy(2, 3)
    (1/4, 27/256, 0)
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


# ----------------------------------------------------------------------------------------------
# Energy-law classes
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sobolev(Target):
    """Sobolev-type target of smoothness s: e_0 = 0, e_k = T (k^-2s - (k+1)^-2s) for k >= 1.

    Exactly summable member of the theory notes' class "tail sum_(k>=K) e_k ~ T K^-2s": here tail(K) = T K^-2s
    for K >= 1 exactly, ||f*||^2 = T, and e_k = 2 s T k^-(2s+1) (1 + O(1/k)), beta = 2s + 1. The same law
    on every d (a class is defined through its tails, not through a function).

    >>> sob = parse_target("sobolev:3/2")
    >>> sob.energy(3, 1), sob.tail(3, 4), sob.norm2(10)
    (7/8, 1/64, 1)
    """

    s: sympy.Expr
    T: sympy.Expr = sympy.S.One

    def __post_init__(self):
        object.__setattr__(self, "s", sympy.Rational(self.s) if not isinstance(self.s, sympy.Expr) else self.s)
        object.__setattr__(self, "T", sympy.Rational(self.T) if not isinstance(self.T, sympy.Expr) else self.T)
        if not (self.s > 0) == True:  # noqa: E712
            raise InvalidInput(f"sobolev smoothness s must be > 0: {self.s}")
        if not (self.T > 0) == True:  # noqa: E712
            raise InvalidInput(f"sobolev tail constant T must be > 0: {self.T}")

    @property
    def spec(self) -> str:
        return f"sobolev:{self.s}" + (f":{self.T}" if self.T != 1 else "")

    def describe(self) -> str:
        return (f"Sobolev-type class s = {self.s}: e_k = T (k^-{2 * self.s} - (k+1)^-{2 * self.s}), "
                f"tails T K^-{2 * self.s}, T = {self.T}")

    def energy(self, dim: int, k: int):
        _check_dim(dim)
        k = check_int("k", k, minimum=0, maximum=_MAX_DEGREE)
        if k == 0:
            return sympy.S.Zero
        return self.T * (sympy.Integer(k) ** (-2 * self.s) - sympy.Integer(k + 1) ** (-2 * self.s))

    def norm2(self, dim: int):
        _check_dim(dim)
        return self.T

    def tail(self, dim: int, K: int):
        _check_dim(dim)
        K = check_int("K", K, minimum=0, maximum=_MAX_DEGREE)
        return self.T if K == 0 else self.T * sympy.Integer(K) ** (-2 * self.s)

    def tail_mp(self, dim: int, K: int, dps: int = 30):
        return _to_mp(self.tail(dim, K), _check_dps(dps))

    def _energies_mp(self, dim: int, kmax: int, dps: int) -> list:
        with mpmath.workdps(dps + _GUARD):
            T, two_s = _to_mp(self.T, dps), _to_mp(2 * self.s, dps)
            powers = [mpmath.power(k, -two_s) if k else 0 for k in range(kmax + 2)]
            return [mpmath.mpf(0)] + [T * (powers[k] - powers[k + 1]) for k in range(1, kmax + 1)]

    def asymptotic(self, dim: int) -> TargetLaw:
        _check_dim(dim)
        B = 2 * self.s * self.T
        return TargetLaw(2 * self.s + 1, B, B, False, "Sobolev-type class: e_k = 2 s T k^-(2s+1) (1 + O(1/k))")


@dataclass(frozen=True)
class PowerLaw(Target):
    """Power-law target spectrum e_0 = 0, e_k = k^-beta (k >= 1), beta > 1 (Velikanov & Yarotsky 2021).

    ||f*||^2 = zeta(beta); tails are the Hurwitz zeta(beta, K).

    >>> pl = parse_target("powerlaw:2")
    >>> pl.norm2(3), pl.tail(3, 3)
    (pi**2/6, -5/4 + pi**2/6)
    """

    beta: sympy.Expr

    def __post_init__(self):
        b = sympy.Rational(self.beta) if not isinstance(self.beta, sympy.Expr) else self.beta
        if not (b > 1) == True:  # noqa: E712
            raise InvalidInput(f"powerlaw exponent beta must be > 1 (summable energies): {self.beta}")
        object.__setattr__(self, "beta", b)

    @property
    def spec(self) -> str:
        return f"powerlaw:{self.beta}"

    def describe(self) -> str:
        return f"power-law spectrum e_k = k^-{self.beta} for k >= 1, e_0 = 0"

    def energy(self, dim: int, k: int):
        _check_dim(dim)
        k = check_int("k", k, minimum=0, maximum=_MAX_DEGREE)
        return sympy.S.Zero if k == 0 else sympy.Integer(k) ** (-self.beta)

    def norm2(self, dim: int):
        _check_dim(dim)
        return sympy.zeta(self.beta)

    def tail(self, dim: int, K: int):
        _check_dim(dim)
        K = check_int("K", K, minimum=0, maximum=_MAX_DEGREE)
        return sympy.zeta(self.beta) if K <= 1 else sympy.zeta(self.beta, K)

    def tail_mp(self, dim: int, K: int, dps: int = 30):
        _check_dim(dim)
        K = check_int("K", K, minimum=0, maximum=_MAX_DEGREE)
        dps = _check_dps(dps)
        with mpmath.workdps(dps + _GUARD):
            return mpmath.zeta(_to_mp(self.beta, dps), max(K, 1))

    def _energies_mp(self, dim: int, kmax: int, dps: int) -> list:
        with mpmath.workdps(dps + _GUARD):
            b = _to_mp(self.beta, dps)
            return [mpmath.mpf(0)] + [mpmath.power(k, -b) for k in range(1, kmax + 1)]

    def asymptotic(self, dim: int) -> TargetLaw:
        _check_dim(dim)
        return TargetLaw(self.beta, sympy.S.One, sympy.S.One, False, "power-law spectrum, exact for k >= 1")


@dataclass(frozen=True)
class Harmonic(Target):
    """Finite spherical harmonic: energy 1 on each listed degree, 0 elsewhere.

    >>> h = parse_target("harmonic:0,2,5")
    >>> [h.energy(3, k) for k in range(6)], h.norm2(3), h.asymptotic(3).max_degree
    ([1, 0, 1, 0, 0, 1], 3, 5)
    """

    degrees: tuple

    def __post_init__(self):
        degs = tuple(sorted(set(self.degrees)))
        if not degs or len(degs) != len(self.degrees):
            raise InvalidInput(f"harmonic degrees must be distinct integers >= 0: {self.degrees!r}")
        for k in degs:
            check_int("harmonic degree", k, minimum=0, maximum=_MAX_DEGREE)
        object.__setattr__(self, "degrees", degs)

    @property
    def spec(self) -> str:
        return "harmonic:" + ",".join(str(k) for k in self.degrees)

    def describe(self) -> str:
        return f"finite spherical harmonic on degree(s) {', '.join(map(str, self.degrees))} (energy 1 each)"

    def energy(self, dim: int, k: int):
        _check_dim(dim)
        k = check_int("k", k, minimum=0, maximum=_MAX_DEGREE)
        return sympy.S.One if k in self.degrees else sympy.S.Zero

    def norm2(self, dim: int):
        _check_dim(dim)
        return sympy.Integer(len(self.degrees))

    def _energies_mp(self, dim: int, kmax: int, dps: int) -> list:
        return [mpmath.mpf(1) if k in self.degrees else mpmath.mpf(0) for k in range(kmax + 1)]

    def asymptotic(self, dim: int) -> TargetLaw:
        _check_dim(dim)
        return TargetLaw(None, sympy.S.Zero, sympy.S.Zero, False,
                         "finitely many modes: L(t) decays exponentially (or plateaus)", "finite", self.degrees[-1])


def _as_number(value, what: str):
    """A kernel eigenvalue from a caller's mu(k) as an exact SymPy number (never via sympify of text)."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, bool) or isinstance(value, str):
        raise InvalidInput(f"{what} must be a number: {value!r}")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if hasattr(value, "value") and hasattr(value, "abs_error"):  # asympt.core.precision.Approx
        value = value.value
    if isinstance(value, (float, mpmath.mpf)):
        return sympy.Float(mpmath.mpf(value))
    raise InvalidInput(f"{what} must be a number: {value!r}")


@dataclass(frozen=True)
class RKHS(Target):
    """Source condition f* = K^r g: e_k(f*) = mu_k^(2r) e_k(g) (theory section 6).

    The kernel enters through ``mu`` (a callable k -> mu_k for the dimension ``spectrum_dim``), attached
    with :meth:`with_spectrum`; the large-k law also needs the kernel's decay law mu_k ~ A_p k^-alpha:
    beta(f*) = beta(g) + 2 r alpha, B_p(f*) = A_p^(2r) B_p(g). Default g: ``sobolev:1/2``
    (e_k(g) = 1/(k(k+1)), ||g|| = 1).

    >>> t = parse_target("rkhs:1").with_spectrum(lambda k: sympy.Rational(1, k + 1), dim=3,
    ...                                          alpha=1, A_even=1, A_odd=1)
    >>> t.energy(3, 1), t.asymptotic(3).beta
    (1/8, 4)
    """

    r: sympy.Expr
    base: Target = field(default_factory=lambda: Sobolev(sympy.S.Half))
    mu: Callable | None = None
    spectrum_dim: int | None = None
    alpha: sympy.Expr | None = None
    A_even: sympy.Expr | None = None
    A_odd: sympy.Expr | None = None

    def __post_init__(self):
        r = sympy.Rational(self.r) if not isinstance(self.r, sympy.Expr) else self.r
        if not (r > 0) == True:  # noqa: E712
            raise InvalidInput(f"rkhs exponent r must be > 0: {self.r}")
        object.__setattr__(self, "r", r)

    def with_spectrum(self, mu: Callable, *, dim: int | None = None, alpha=None, A_even=None, A_odd=None) -> RKHS:
        """Attach the kernel eigenvalues mu(k) (for dimension ``dim``) and optionally its decay law."""
        if not callable(mu):
            raise InvalidInput(f"rkhs spectrum mu must be a callable k -> mu_k: {mu!r}")
        conv = {key: (None if v is None else _as_number(v, key)) for key, v in
                (("alpha", alpha), ("A_even", A_even), ("A_odd", A_odd))}
        return replace(self, mu=mu, spectrum_dim=None if dim is None else _check_dim(dim), **conv)

    @property
    def spec(self) -> str:
        return f"rkhs:{self.r}:{self.base.spec}"

    def describe(self) -> str:
        return f"source condition f* = K^{self.r} g, e_k = mu_k^{2 * self.r} e_k(g), g: {self.base.describe()}"

    def _mu(self, dim: int, k: int):
        if self.mu is None:
            raise NotSupported(f"target {self.spec} needs the kernel eigenvalues: call .with_spectrum(mu, dim=...)")
        if self.spectrum_dim is not None and dim != self.spectrum_dim:
            raise InvalidInput(f"dim must match the attached spectrum's dimension {self.spectrum_dim}: {dim}")
        value = _as_number(self.mu(k), f"mu({k})")
        if (value < 0) == True:  # noqa: E712
            raise InvalidInput(f"mu({k}) must be >= 0 for a source condition: {value}")
        return value

    def energy(self, dim: int, k: int):
        dim = _check_dim(dim)
        k = check_int("k", k, minimum=0, maximum=_MAX_DEGREE)
        return self._mu(dim, k) ** (2 * self.r) * self.base.energy(dim, k)

    def _energies_mp(self, dim: int, kmax: int, dps: int) -> list:
        base = self.base._energies_mp(dim, kmax, dps)
        with mpmath.workdps(dps + _GUARD):
            two_r = _to_mp(2 * self.r, dps)
            return [mpmath.power(_to_mp(self._mu(dim, k), dps), two_r) * e if e != 0 else mpmath.mpf(0)
                    for k, e in enumerate(base)]

    def norm2(self, dim: int):
        raise NotSupported(f"target {self.spec}: ||f*||^2 = sum_k mu_k^(2r) e_k(g) has no closed form here")

    def norm2_mp(self, dim: int, dps: int = 30):
        raise NotSupported(f"target {self.spec}: ||f*||^2 = sum_k mu_k^(2r) e_k(g) has no closed form here")

    def tail(self, dim: int, K: int):
        raise NotSupported(f"target {self.spec}: tails need ||f*||^2, which has no closed form here")

    def tail_mp(self, dim: int, K: int, dps: int = 30):
        raise NotSupported(f"target {self.spec}: tails need ||f*||^2, which has no closed form here")

    def asymptotic(self, dim: int) -> TargetLaw:
        dim = _check_dim(dim)
        base = self.base.asymptotic(dim)
        if base.kind != "power":
            return replace(base, note=f"source condition on a {base.kind} base: {base.note}")
        if self.alpha is None or self.A_even is None or self.A_odd is None:
            raise NotSupported(f"target {self.spec}: the law needs the kernel decay law; "
                               f"pass alpha, A_even, A_odd to with_spectrum")
        two_r = 2 * self.r
        return TargetLaw(base.beta + two_r * self.alpha, self.A_even**two_r * base.B_even,
                         self.A_odd**two_r * base.B_odd, base.oscillating,
                         f"e_k = mu_k^(2r) e_k(g): beta = beta_g + 2 r alpha; base: {base.note}")


# ----------------------------------------------------------------------------------------------
# Funk-Hecke quadrature for neurons without a closed form (see the module docstring)
# ----------------------------------------------------------------------------------------------


def _bits(digits) -> int:
    return int(math.ceil(digits * 3.3219280948873626))


@lru_cache(maxsize=16)
def _fejer_weights(n: int, dps: int) -> tuple:
    """Fejer's first rule on th_j = (2j+1) pi/(2n): int_-1^1 f dt ~ sum_j w_j f(cos th_j); j < n/2 only.

    w_j = (2/n) (1 - 2 sum_(m=1)^(n/2) cos(2 m th_j) / (4 m^2 - 1))  (Waldvogel 2006), exact for degree n - 1.

    >>> w = _fejer_weights(8, 30)
    >>> with mpmath.workdps(30):
    ...     th = [(2 * j + 1) * mpmath.pi / 16 for j in range(4)]
    ...     abs(2 * sum(wj * mpmath.cos(t) ** 6 for wj, t in zip(w, th)) - mpmath.mpf(2) / 7) < 1e-30
    True
    """
    import numpy as np  # noqa: PLC0415 - numpy is only needed here

    prec = _bits(dps) + 24
    with mpmath.workdps(dps + 10):
        # cos(i pi / n), i = 0 .. 2n-1, from the first quarter by symmetry
        quarter = [mpmath.libmp.to_fixed(mpmath.cos(i * mpmath.pi / n)._mpf_, prec) for i in range(n // 2 + 1)]
    table = [0] * (2 * n)
    for i in range(n // 2 + 1):
        table[i] = quarter[i]
        table[n - i] = -quarter[i]
        table[(2 * n - i) % (2 * n)] = quarter[i]
        table[n + i] = -quarter[i]
    table = np.array(table, dtype=object)
    half = n // 2
    odd = 2 * np.arange(half, dtype=np.int64) + 1
    acc = np.zeros(half, dtype=object)
    acc[:] = 0
    for m in range(1, n // 2 + 1):
        acc += table[(m * odd) % (2 * n)] // (4 * m * m - 1)
    with mpmath.workdps(dps + 10):
        scale = mpmath.mpf(2) ** (-prec)
        return tuple(mpmath.mpf(2) / n * (1 - 2 * mpmath.mpf(int(a)) * scale) for a in acc)


def _two_step(k: int, dim: int):
    """Integers (A, B, C, L): P_(k+2) = (A t^2 P_k - B P_k - C P_(k-2)) / L (normalised Gegenbauer)."""

    def a(j):
        return Fraction(1) if j == 0 else Fraction(2 * j + dim - 2, j + dim - 2)

    def b(j):
        return Fraction(0) if j == 0 else Fraction(j, j + dim - 2)

    A = a(k + 1) * a(k)
    if k == 0:
        B, C = b(1), Fraction(0)
    else:
        B = b(k + 1) + a(k + 1) * b(k) / a(k - 1)
        C = a(k + 1) * b(k) * b(k - 1) / a(k - 1)
    L = math.lcm(A.denominator, B.denominator, C.denominator)
    return int(A * L), int(B * L), int(C * L), L


def _quadrature_once(gfun, dim: int, top: int, digits: int, n_eff: int, parities: tuple):
    """One fixed-point Funk-Hecke run: ({k: s_k} for k <= top of the given parities, max |g| on the nodes)."""
    import numpy as np  # noqa: PLC0415

    n_nodes = n_eff + (n_eff % 2) if dim % 2 == 0 else 2 * n_eff
    half = n_nodes // 2
    prec = _bits(digits) + int(math.log2(8 * (n_nodes + 1) * (top + 2) ** 2)) + 16
    fejer = _fejer_weights(n_nodes, digits) if dim % 2 else None
    with mpmath.workdps(digits + 15):
        cd = _c_mp(dim)
        fix = lambda v: mpmath.libmp.to_fixed(mpmath.mpf(v)._mpf_, prec)  # noqa: E731
        t_fix, u_fix, w_even, w_odd = [], [], [], []
        gmax = mpmath.mpf(0)
        for j in range(half):
            th = (2 * j + 1) * mpmath.pi / (2 * n_nodes)
            t, st = mpmath.cos(th), mpmath.sin(th)
            omega = mpmath.pi / n_nodes * st ** (dim - 2) if fejer is None else fejer[j] * st ** (dim - 3)
            try:
                gp, gm = mpmath.mpf(gfun(t)), mpmath.mpf(gfun(-t))
            except (TypeError, ValueError, ZeroDivisionError) as err:
                raise NotSupported(f"activation could not be evaluated as a real number at t = {mpmath.nstr(t, 8)}: "
                                   f"{err}") from None
            gmax = max(gmax, abs(gp), abs(gm))
            t_fix.append(fix(t))
            u_fix.append(fix(t * t))
            w_even.append(fix(cd * omega * (gp + gm)))
            w_odd.append(fix(cd * omega * (gp - gm)))
    t_arr = np.array(t_fix, dtype=object)
    u_arr = np.array(u_fix, dtype=object)
    sums = {}
    for p in parities:
        if p > top:
            continue
        W = np.array(w_even if p == 0 else w_odd, dtype=object)
        q_prev = None
        q = W if p == 0 else (t_arr * W) >> prec
        k = p
        while True:
            sums[k] = int(q.sum())
            if k + 2 > top:
                break
            A, B, C, L = _two_step(k, dim)
            nxt = A * ((u_arr * q) >> prec) - B * q
            if C:
                nxt = nxt - C * q_prev
            q_prev, q = q, nxt // L
            k += 2
    with mpmath.workdps(digits + 15):
        scale = mpmath.mpf(2) ** (-prec)
        return {k: mpmath.mpf(v) * scale for k, v in sums.items()}, gmax


def _numeric_s(act: Activation, dim: int, kmax: int, dps: int) -> list:
    """[s_0..s_kmax] for a neuron without closed form: exact polynomial parity parts + adaptive quadrature."""
    key = (act, dim, dps)
    cached = _NUMERIC_CACHE.get(key)
    if cached is not None and len(cached) > kmax:
        return list(cached[: kmax + 1])
    parts = _parity_parts(act)
    s = [None] * (kmax + 1)
    quad_parities = []
    for p, (part, is_poly) in enumerate(parts):
        if is_poly:
            coeffs = _poly_coeffs(part) if part != 0 else {}
            for k in range(p, kmax + 1, 2):
                s[k] = _to_mp(_sum_exact(a * _monomial_s_exact(dim, q, k) for q, a in coeffs.items()), dps)
        elif p <= kmax:
            quad_parities.append(p)
    if quad_parities:
        values = _adaptive_quadrature(act, dim, kmax, dps, tuple(quad_parities))
        for k, v in values.items():
            if k <= kmax:
                s[k] = v
    if len(_NUMERIC_CACHE) >= 32:
        _NUMERIC_CACHE.pop(next(iter(_NUMERIC_CACHE)))
    _NUMERIC_CACHE[key] = tuple(s)
    return s


_NUMERIC_CACHE: dict = {}


def _adaptive_quadrature(act: Activation, dim: int, kmax: int, dps: int, parities: tuple) -> dict:
    """Raise working digits and nodes until the rounding floor and the aliasing are below 10^-dps.

    A pilot run (at most 200 degrees, dps + 15 digits) measures how fast the envelope of |s_k| decays;
    its extrapolation to kmax sets the working digits and the node count of the next run. Every run is
    checked again; the loop ends when both checks pass at kmax.
    """
    gfun = _mp_function(act)
    guard = 8
    digits = dps + guard + 7
    n_eff = kmax + 40 if kmax <= 160 else 200
    for _ in range(10):
        top = n_eff - 1
        vals, gmax = _quadrature_once(gfun, dim, top, digits, n_eff, parities)
        with mpmath.workdps(digits + 15):
            log_gmax = float(mpmath.log10(gmax)) if gmax > 0 else 0.0
        floor_log = log_gmax - digits
        new_digits, new_n = digits, n_eff
        for p in parities:
            ks = list(range(p, top + 1, 2))
            logs = [_log10(vals[k]) for k in ks]
            env, running = [0.0] * len(ks), -math.inf
            for i in range(len(ks) - 1, -1, -1):
                running = max(running, logs[i])
                env[i] = running
            k_max = kmax - (kmax - p) % 2  # the largest k <= kmax of parity p
            i_max = (k_max - p) // 2
            if k_max > top or env[i_max] < floor_log + dps + guard:
                # extrapolate the envelope's decay from the resolved range to kmax
                resolved = [i for i, e in enumerate(env) if e >= floor_log + guard]
                if len(resolved) < 3:
                    new_digits = max(new_digits, 2 * digits)
                    new_n = max(new_n, min(kmax + 40, 4 * n_eff))
                    continue
                i_r = resolved[-1]
                i_a = max(0, i_r - max(4, i_r // 2))
                rate = max((env[i_a] - env[i_r]) / (ks[i_r] - ks[i_a]), 1e-3)  # digits per degree
                predicted = env[i_r] - 1.05 * rate * max(0, k_max - ks[i_r])
                new_digits = max(new_digits, int(dps + guard + 3 + log_gmax - predicted) + 1, digits + 10)
                new_n = max(new_n, min(kmax + int(1.2 * (dps + guard) / (2 * rate)) + 16, 4 * n_eff + kmax))
                continue
            # aliasing: the error of s_kmax is about env(2n - kmax) ~ env(top)^2 / env(kmax)
            i_top = len(ks) - 1
            if env[i_top] > env[i_max] - (dps + guard / 2) / 2:
                span = ks[i_top] - ks[i_max]
                rate = (env[i_max] - env[i_top]) / span if span > 0 else 0.0
                target = kmax + int(1.2 * (dps + guard) / (2 * rate)) + 16 if rate > 1e-3 else 2 * n_eff
                new_n = max(new_n, min(target, 4 * n_eff + kmax), n_eff + 16)
        if new_digits == digits and new_n == n_eff:
            return vals
        digits, n_eff = new_digits, new_n
        if digits > _MAX_WORKING_DPS or n_eff > 40 * (kmax + 100):
            break
    raise PrecisionLost(f"e_k of neuron:{act.name} up to k = {kmax} at dim = {dim}: could not reach {dps} digits "
                        f"(would need about {digits} working digits and {n_eff} nodes); lower kmax or dps")


def _log10(value) -> float:
    return float(mpmath.log10(abs(value))) if value != 0 else -math.inf


# ----------------------------------------------------------------------------------------------
# Parser
# ----------------------------------------------------------------------------------------------

_CLASSES = "neuron, halfspace, cap:THETA0, sobolev:S, harmonic:K, powerlaw:BETA, rkhs:R"
_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_ANGLE_PI = re.compile(rf"^(?:(?P<c>{_NUM})\s*\*?\s*)?(?:pi|π)(?:\s*/\s*(?P<q>{_NUM}))?$")
_ANGLE_NUM = re.compile(rf"^(?P<p>{_NUM})(?:\s*/\s*(?P<q>{_NUM}))?$")
_MAX_PARAM = 10**6


def _number(text: str, what: str, rule: str) -> sympy.Rational:
    """Parse 'N', 'N.M', '1e-3' or 'P/Q' into an exact Rational (Fraction; no eval)."""
    m = _ANGLE_NUM.match(text.strip())
    if not m:
        raise InvalidInput(f"target: {what} must be a number such as 2, 0.5 or 3/2 ({rule}): {text!r}")
    value = Fraction(m.group("p"))
    if m.group("q") is not None:
        den = Fraction(m.group("q"))
        if den == 0:
            raise InvalidInput(f"target: {what} must be a number with a non-zero denominator ({rule}): {text!r}")
        value /= den
    if value > _MAX_PARAM:
        raise InvalidInput(f"target: {what} must be at most {_MAX_PARAM} ({rule}): {text!r}")
    return sympy.Rational(value.numerator, value.denominator)


def _angle(text: str) -> sympy.Expr:
    rule = "theta0 in (0, pi), in radians: a number, pi, pi/N or N*pi/M"
    t = text.strip().lower()
    m = _ANGLE_PI.match(t)
    if m:
        c = Fraction(m.group("c")) if m.group("c") else Fraction(1)
        q = Fraction(m.group("q")) if m.group("q") else Fraction(1)
        if q == 0:
            raise InvalidInput(f"target: cap:THETA0 needs {rule}: {text!r}")
        r = c / q
        value = sympy.Rational(r.numerator, r.denominator) * sympy.pi
    elif _ANGLE_NUM.match(t):
        value = _number(t, "cap:THETA0", rule)
    else:
        raise InvalidInput(f"target: cap:THETA0 needs {rule}: {text!r}")
    if not ((value > 0) == True and (value < sympy.pi) == True):  # noqa: E712
        raise InvalidInput(f"target: cap:THETA0 needs {rule}: {text!r}")
    return value


def parse_target(spec: str, default_activation="relu") -> Target:
    """Parse a target specification into a :class:`Target`.

    Accepted: ``neuron`` (g = ``default_activation``), ``neuron:NAME`` (any name understood by
    :func:`asympt.kernels.activations.activation`, e.g. ``neuron:relu^1.5``), ``halfspace`` (the step neuron),
    ``cap:THETA0`` (theta0 in (0, pi) radians: ``1``, ``0.5``, ``pi/3``, ``2*pi/3``), ``sobolev:S`` or ``sobolev:S:T`` (S > 0, tail constant T > 0, default 1),
    ``harmonic:K`` or ``harmonic:K1,K2,...``, ``powerlaw:BETA`` (BETA > 1), ``rkhs:R`` or ``rkhs:R:BASE``
    (R > 0; BASE another spec, default ``sobolev:1/2``). Text is split and matched, never evaluated.

    >>> parse_target("cap:2*pi/3").theta0
    2*pi/3
    >>> parse_target("foo")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    asympt.core.errors.InvalidInput: target: unknown class 'foo'; expected one of neuron, halfspace, cap:THETA0, ...
    """
    if not isinstance(spec, str):
        raise InvalidInput(f"target must be a string such as 'neuron:relu' or 'sobolev:2': {spec!r}")
    text = spec.strip()
    if not text:
        raise InvalidInput(f"target must not be empty; expected one of {_CLASSES}")
    if len(text) > 300:
        raise InvalidInput(f"target text must be at most 300 characters: {len(text)} given")
    head, sep, arg = text.partition(":")
    name = head.strip().lower()
    arg = arg.strip()
    if sep and not arg:
        raise InvalidInput(f"target: {name}: needs a value after ':': {spec!r}")
    if name == "neuron":
        try:
            return Neuron(activation(arg if sep else default_activation))
        except InvalidInput as err:
            raise InvalidInput(f"target: neuron:NAME needs a registered activation: {err}") from None
    if name in ("halfspace", "half-space"):
        if sep:
            raise InvalidInput(f"target: halfspace takes no value (use cap:THETA0 for an offset): {spec!r}")
        return Neuron(activation("step"), label="halfspace")
    if not sep:
        if name in ("cap", "sobolev", "harmonic", "powerlaw", "rkhs"):
            raise InvalidInput(f"target: {name} needs a value, e.g. {name}:{_EXAMPLES[name]}: {spec!r}")
        raise InvalidInput(f"target: unknown class {name!r}; expected one of {_CLASSES}")
    if name == "cap":
        return Cap(_angle(arg))
    if name == "sobolev":
        s_text, sep2, t_text = arg.partition(":")
        s = _number(s_text, "sobolev:S", "S > 0")
        if s <= 0:
            raise InvalidInput(f"target: sobolev:S needs S > 0: {s_text.strip()!r}")
        if not sep2:
            return Sobolev(s)
        T = _number(t_text, "sobolev:S:T", "tail constant T > 0")
        if T <= 0:
            raise InvalidInput(f"target: sobolev:S:T needs T > 0: {t_text.strip()!r}")
        return Sobolev(s, T)
    if name == "powerlaw":
        beta = _number(arg, "powerlaw:BETA", "BETA > 1")
        if beta <= 1:
            raise InvalidInput(f"target: powerlaw:BETA needs BETA > 1 (summable energies): {arg!r}")
        return PowerLaw(beta)
    if name == "harmonic":
        items = [i.strip() for i in arg.split(",")]
        if not all(re.fullmatch(r"\d{1,7}", i) for i in items):
            raise InvalidInput(f"target: harmonic:K needs integers K >= 0 separated by commas: {arg!r}")
        degrees = tuple(int(i) for i in items)
        if len(set(degrees)) != len(degrees):
            raise InvalidInput(f"target: harmonic:K needs distinct degrees: {arg!r}")
        if max(degrees) > _MAX_DEGREE:
            raise InvalidInput(f"target: harmonic:K needs K <= {_MAX_DEGREE}: {arg!r}")
        return Harmonic(degrees)
    if name == "rkhs":
        r_text, sep2, base_text = arg.partition(":")
        r = _number(r_text, "rkhs:R", "R > 0")
        if r <= 0:
            raise InvalidInput(f"target: rkhs:R needs R > 0: {r_text.strip()!r}")
        if sep2:
            base = parse_target(base_text, default_activation)
            if isinstance(base, RKHS):
                raise InvalidInput(f"target: rkhs:R:BASE needs a base that is not itself rkhs: {base_text!r}")
            return RKHS(r, base)
        return RKHS(r)
    raise InvalidInput(f"target: unknown class {name!r}; expected one of {_CLASSES}")


_EXAMPLES = {"cap": "pi/3", "sobolev": "2", "harmonic": "3", "powerlaw": "2", "rkhs": "1/2"}
