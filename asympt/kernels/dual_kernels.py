"""Dual maps of activations: V(q, c) = E[s(z1) s(z2)] and Vd(q, c) = E[s'(z1) s'(z2)].

(z1, z2) is a centred Gaussian pair with Var z1 = Var z2 = q and Cov = c (on the sphere every
layer has a constant diagonal variance q, so equal variances suffice); rho = c / q.
Closed forms (theory section 2; Cho & Saul 2009 for the arc-cosine family, Williams 1997 for
erf, Daniely, Frostig & Singer 2016 for the dual-activation view):

* x_+^a (homogeneous of degree a): V = q^a E_a(rho), Vd = a^2 q^(a-1) E_(a-1)(rho), with
  E_0 = (pi - arccos rho)/(2 pi), E_1 = (sqrt(1 - rho^2) + rho (pi - arccos rho))/(2 pi),
  E_n = J_n(arccos rho)/(2 pi) for integers (Cho & Saul's J_n), and for real a
  E_a(rho) = 2^a/(4 pi) [Gamma((a+1)/2)^2 2F1(-a/2, -a/2; 1/2; rho^2)
                         + 2 rho Gamma(a/2+1)^2 2F1((1-a)/2, (1-a)/2; 3/2; rho^2)].
* leaky ReLU (slope s): V = q (s rho + (1-s)^2 E_1(rho)), Vd = s + (1-s)^2 E_0(rho).
* |x|: V = q (2/pi)(sqrt(1-rho^2) + rho arcsin rho), Vd = (2/pi) arcsin rho.
* erf: V = (2/pi) arcsin(2c/(1+2q)), Vd = (4/pi) ((1+2q)^2 - 4c^2)^(-1/2).
* sin: V = e^-q sinh c, Vd = e^-q cosh c; cos: V = e^-q cosh c, Vd = e^-q sinh c.
* polynomials: exact Hermite expansion (Mehler): V = sum_n a_n(q)^2 rho^n.
* anything else (tanh, GELU, SiLU, user expressions): numerical Gaussian quadrature, float64
  by tensor Gauss-Hermite, mpmath by nested adaptive quadrature (``numeric`` maps).

Conventions: :mod:`asympt.core.conventions`. Entry point: :func:`dual_map`.
"""

from __future__ import annotations

from functools import lru_cache

import sympy

from .activations import Activation, x
from asympt.core.errors import InvalidInput, NotSupported

__all__ = ["DualMap", "dual_map", "arccos_kernel_E"]

_rho = sympy.Symbol("rho", real=True)
_th = sympy.Symbol("theta", real=True)


@lru_cache(maxsize=64)
def _cho_saul_J(n: int) -> sympy.Expr:
    """Cho & Saul's J_n(theta) = (-1)^n sin^(2n+1) th (1/sin th d/dth)^n ((pi - th)/sin th)."""
    f = (sympy.pi - _th) / sympy.sin(_th)
    for _ in range(n):
        f = sympy.diff(f, _th) / sympy.sin(_th)
    return sympy.simplify((-1) ** n * sympy.sin(_th) ** (2 * n + 1) * f)


def _sqrt1m(r):
    return sympy.sqrt(1 - r**2)


@lru_cache(maxsize=128)
def arccos_kernel_E(a) -> sympy.Expr:
    """Unit-variance NNGP map E_a(rho) = E[x_+^a(z1) x_+^a(z2)] of x_+^a as a SymPy expression in rho.

    >>> arccos_kernel_E(1).subs(_rho, 1)
    1/2
    >>> arccos_kernel_E(0).subs(_rho, 0)
    1/4
    """
    a = sympy.Rational(a)
    r = _rho
    if a == 0:
        return (sympy.pi - sympy.acos(r)) / (2 * sympy.pi)
    if a == 1:
        return (_sqrt1m(r) + r * (sympy.pi - sympy.acos(r))) / (2 * sympy.pi)
    if a.is_Integer and a > 0:
        J = _cho_saul_J(int(a))
        J = J.subs({sympy.sin(_th): _sqrt1m(r)})
        J = sympy.expand_trig(J)
        J = J.subs({sympy.cos(_th): r, sympy.sin(_th): _sqrt1m(r)}).subs(_th, sympy.acos(r))
        return sympy.expand(J / (2 * sympy.pi))
    # general real a > -1/2: hypergeometric form (theory section 2)
    h1 = sympy.hyper([-a / 2, -a / 2], [sympy.Rational(1, 2)], r**2)
    h2 = sympy.hyper([(1 - a) / 2, (1 - a) / 2], [sympy.Rational(3, 2)], r**2)
    return 2**a / (4 * sympy.pi) * (sympy.gamma((a + 1) / 2) ** 2 * h1 + 2 * r * sympy.gamma(a / 2 + 1) ** 2 * h2)


class DualMap:
    """The pair (V, Vd) of an activation, as functions of (q, c) with q1 = q2 = q.

    ``closed_form`` maps give SymPy expressions (:meth:`V_sym`, :meth:`Vd_sym`); every map gives
    float64 and mpmath values (numeric maps through quadrature).
    """

    closed_form = True

    def __init__(self, act: Activation):
        self.act = act

    # symbolic (closed-form maps) ------------------------------------------------------------
    def V_sym(self, q, c):  # pragma: no cover - overridden
        raise NotSupported(f"activation {self.act.name}: no closed-form dual kernel")

    def Vd_sym(self, q, c):  # pragma: no cover - overridden
        raise NotSupported(f"activation {self.act.name}: no closed-form derivative kernel")

    # unit-variance expansions at rho = +-1 for homogeneous maps (used by singular expansions)
    homogeneous_degree = None


class _Homogeneous(DualMap):
    def __init__(self, act):
        super().__init__(act)
        self.a = sympy.Rational(act.degree)
        self.kind = act.param("kind")
        self.homogeneous_degree = self.a

    def E(self):
        """Unit-variance NNGP map in rho."""
        r = _rho
        if self.kind in ("power", "step"):
            return arccos_kernel_E(self.a)
        if self.kind == "leaky":
            s = self.act.param("slope")
            return s * r + (1 - s) ** 2 * arccos_kernel_E(1)
        if self.kind == "abs":
            return 2 / sympy.pi * (_sqrt1m(r) + r * sympy.asin(r))
        if self.kind == "identity":
            return r
        raise AssertionError(self.kind)

    def Ed(self):
        """Unit-variance derivative map in rho (Vd = q^(a-1) Ed)."""
        r = _rho
        if self.kind == "step":
            raise InvalidInput("activation step has no derivative kernel: train only the last layer (train='last')")
        if self.kind == "power":
            if self.a <= sympy.Rational(1, 2):
                raise InvalidInput(f"activation relu^{self.a}: E[s'(z)^2] is infinite for a <= 1/2; "
                                   "train only the last layer (train='last')")
            return self.a**2 * arccos_kernel_E(self.a - 1)
        if self.kind == "leaky":
            s = self.act.param("slope")
            return s + (1 - s) ** 2 * arccos_kernel_E(0)
        if self.kind == "abs":
            return 2 / sympy.pi * sympy.asin(r)
        if self.kind == "identity":
            return sympy.Integer(1)
        raise AssertionError(self.kind)

    def E_at_one(self):
        """E(1) = E[s(z)^2] for unit variance, in closed form (no 2F1 at argument 1 to simplify).

        x_+^a: E[z_+^(2a)] = 2^(a-1) Gamma(a + 1/2) / sqrt(pi); leaky: (1 + s^2)/2; abs, identity: 1.
        """
        if self.kind in ("power", "step"):
            return sympy.gammasimp(2 ** (self.a - 1) * sympy.gamma(self.a + sympy.Rational(1, 2)) / sympy.sqrt(sympy.pi))
        if self.kind == "leaky":
            s = self.act.param("slope")
            return (1 + s**2) / 2
        return sympy.Integer(1)

    def V_sym(self, q, c):
        if c is q or (isinstance(c, sympy.Basic) and c == q):
            return q**self.a * self.E_at_one()
        return q**self.a * self.E().subs(_rho, c / q)

    def Vd_sym(self, q, c):
        return q ** (self.a - 1) * self.Ed().subs(_rho, c / q)


class _Erf(DualMap):
    def V_sym(self, q, c):
        return 2 / sympy.pi * sympy.asin(2 * c / (1 + 2 * q))

    def Vd_sym(self, q, c):
        return 4 / sympy.pi / sympy.sqrt((1 + 2 * q) ** 2 - 4 * c**2)


class _Sin(DualMap):
    def V_sym(self, q, c):
        return sympy.exp(-q) * sympy.sinh(c)

    def Vd_sym(self, q, c):
        return sympy.exp(-q) * sympy.cosh(c)


class _Cos(DualMap):
    def V_sym(self, q, c):
        return sympy.exp(-q) * sympy.cosh(c)

    def Vd_sym(self, q, c):
        return sympy.exp(-q) * sympy.sinh(c)


def _hermite_coefficients(poly: sympy.Expr, q) -> list:
    """Exact a_n with s(sqrt(q) z) = sum_n a_n He_n(z)/sqrt(n!) for a polynomial s."""
    z = sympy.Symbol("z", real=True)
    p = sympy.Poly(sympy.expand(poly.subs(x, sympy.sqrt(q) * z)), z)
    deg = p.degree()
    coeffs = []
    remaining = p
    for n in range(deg, -1, -1):
        cn = remaining.coeff_monomial(z**n)  # He_n is monic
        coeffs.append((n, cn))
        remaining = remaining - sympy.Poly(cn * sympy.hermite_prob(n, z), z)
    out = [0] * (deg + 1)
    for n, cn in coeffs:
        out[n] = cn * sympy.sqrt(sympy.factorial(n))
    return out


class _Polynomial(DualMap):
    """Mehler: V(q, c) = sum_n b_n(q)^2 n! (c/q)^n with s(sqrt(q) z) = sum b_n He_n(z)."""

    def V_sym(self, q, c):
        a = _hermite_coefficients(self.act.expr, q)
        return sympy.expand(sum(an**2 * (c / q) ** n for n, an in enumerate(a)))

    def Vd_sym(self, q, c):
        a = _hermite_coefficients(sympy.diff(self.act.expr, x), q)
        return sympy.expand(sum(an**2 * (c / q) ** n for n, an in enumerate(a)))


class _Numeric(DualMap):
    """Quadrature-only dual map (no closed form)."""

    closed_form = False

    def V_sym(self, q, c):
        raise NotSupported(f"activation {self.act.name}: the dual kernel has no closed form here")

    Vd_sym = V_sym


def dual_map(act: Activation) -> DualMap:
    """The :class:`DualMap` of an activation."""
    fam = act.family
    if fam == "homogeneous":
        return _Homogeneous(act)
    if fam == "erf":
        return _Erf(act)
    if fam == "sin":
        return _Sin(act)
    if fam == "cos":
        return _Cos(act)
    if fam == "polynomial":
        return _Polynomial(act)
    return _Numeric(act)
