"""Single-neuron targets f*(x) = g(w.x), |w| = 1 (:class:`Neuron`), and the decay classes of smooth g.

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
    quadrature, see :mod:`asympt.targets.funk_hecke`. A parity part of g that is a polynomial (the even part 1/2
    of sigmoid, the odd part x/2 of gelu, silu and softplus) is treated exactly.

References: Bietti & Bach 2021 (ICLR, "Deep equals shallow for ReLU networks in kernel regimes") for the
Funk-Hecke / Gegenbauer decay of single-neuron targets; Atkinson & Han 2012, "Spherical harmonics and
approximations on the unit sphere", ch. 2 (Funk-Hecke, Gegenbauer identities).
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy

from asympt.core.errors import NotSupported, PrecisionLost, check_int
from asympt.kernels.activations import Activation, activation, x  # noqa: F401 - activation: doctests

from .base import (
    _GUARD,
    _MAX_DEGREE,
    Target,
    TargetLaw,
    _c_exact,
    _c_mp,
    _check_dim,
    _check_dps,
    _moment_exact,
    _monomial_s_exact,
    _mp_function,
    _multiplicity,
    _parity_parts,
    _poly_coeffs,
    _sum_exact,
    _to_mp,
)
from .funk_hecke import _numeric_s

__all__ = ["Neuron", "SmoothClass", "smooth_parity_class"]


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

    >>> from asympt.targets import parse_target
    >>> relu = parse_target("neuron:relu")
    >>> relu.norm2(3), [relu.energy(3, k) for k in range(6)]
    (1/6, [1/16, 1/12, 5/256, 0, 1/1024, 0])
    >>> relu.tail(3, 6) == relu.norm2(3) - sum(relu.energy(3, k) for k in range(6))
    True
    >>> tail = relu.norm2(3) - sum(relu.energies(3, 1000, dps=20))   # ~ 1/(6 pi K^3), K = 1001
    >>> round(float(tail * 6 * sympy.pi * 1001**3), 2)
    1.0
    >>> from asympt.targets import parse_target
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
