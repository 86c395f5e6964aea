"""Targets defined by their energies: Sobolev-type class, power law, finite harmonic, source condition.

* Sobolev-type class (:class:`Sobolev`): the theory notes' working definition is the tail law
  sum_(k >= K) e_k ~ T K^-2s. The concrete member used here is **e_0 = 0, e_k = T (k^-2s - (k+1)^-2s)**,
  whose tails are exactly T K^-2s (K >= 1) and ||f*||^2 = T; e_k = 2 s T k^-(2s+1) (1 + O(1/k)).
* Power law (:class:`PowerLaw`): e_0 = 0, e_k = k^-beta (beta > 1); ||f*||^2 = zeta(beta), tails are
  Hurwitz zeta(beta, K) (the setting of Velikanov & Yarotsky 2021).
* Finite spherical harmonic (:class:`Harmonic`): energy 1 on each listed degree, 0 elsewhere.
* Source condition f* = K^r g (:class:`RKHS`): e_k(f*) = mu_k^(2r) e_k(g); needs the kernel's eigenvalues
  mu_k, supplied with :meth:`RKHS.with_spectrum`. The default g is the Sobolev member with s = 1/2
  (e_k(g) = 1/(k(k+1)), ||g|| = 1, the smoothness of a half-space indicator).

Reference: Velikanov & Yarotsky 2021 (arXiv 2105.00507) for power-law target spectra.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Callable

import mpmath
import sympy

from asympt.core.errors import InvalidInput, NotSupported, check_int

from .base import _GUARD, _MAX_DEGREE, Target, TargetLaw, _check_dim, _check_dps, _to_mp

__all__ = ["Harmonic", "PowerLaw", "RKHS", "Sobolev"]


@dataclass(frozen=True)
class Sobolev(Target):
    """Sobolev-type target of smoothness s: e_0 = 0, e_k = T (k^-2s - (k+1)^-2s) for k >= 1.

    Exactly summable member of the theory notes' class "tail sum_(k>=K) e_k ~ T K^-2s": here tail(K) = T K^-2s
    for K >= 1 exactly, ||f*||^2 = T, and e_k = 2 s T k^-(2s+1) (1 + O(1/k)), beta = 2s + 1. The same law
    on every d (a class is defined through its tails, not through a function).

    >>> from asympt.targets import parse_target
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

    >>> from asympt.targets import parse_target
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

    >>> from asympt.targets import parse_target
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

    >>> from asympt.targets import parse_target
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
