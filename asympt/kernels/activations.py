"""Activation functions: a registry of named activations and a restricted parser for user text.

An :class:`Activation` knows its formula (a SymPy expression in ``x``), its parity, its
homogeneity degree (x_+^a is homogeneous of degree a), its smoothness class (the order of its
kink, or which analytic class its dual kernel falls in; theory section 7) and which dual map
computes E[s(z1) s(z2)] and E[s'(z1) s'(z2)] (:mod:`asympt.kernels.dual_kernels`).

Names understood by :func:`activation`:

    relu, step, relu^A (A real > -1/2, e.g. relu^1.5, relu^3/2), relu2, relu3, leaky_relu[:SLOPE],
    abs, identity, erf, tanh, sigmoid, softplus, gelu, silu, sin, cos,
    or an expression in x such as ``x**3 - x`` or ``erf(x) + 0.1*x``.

User text is parsed node by node with :mod:`ast` into SymPy; it is never passed to ``eval``,
``sympify`` or ``parse_expr``. Only the variable ``x``, numbers, ``+ - * / **`` (integer powers
of at most 12 on non-constant bases) and the smooth functions erf, tanh, sin, cos, exp,
sigmoid, softplus, gelu, silu are accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import sympy

from asympt.core.errors import InvalidInput
from asympt.core.parse import Grammar, parse_rational, parse_restricted

__all__ = ["Activation", "Smoothness", "activation", "available", "polynomial_parts", "x"]

#: The activation variable.
x = sympy.Symbol("x", real=True)

_MAX_POWER = 12
_MAX_NODES = 200
_MAX_CONST = 10**6


@dataclass(frozen=True)
class Smoothness:
    """Smoothness class of an activation, as it matters for the kernel spectrum.

    kind:
      * ``"kink"``: x_+^a-type non-smoothness of order ``a`` at 0 (ReLU a = 1, step a = 0);
        power-law eigenvalues.
      * ``"polynomial"``: finite-rank kernel.
      * ``"geometric"``: dual kernel analytic in a disc of radius R > 1 (erf, GELU);
        eigenvalues ~ rho^-k.
      * ``"strip"``: activation analytic in a strip |Im x| < ``tau`` (tanh, sigmoid, softplus,
        SiLU); Hermite coefficients ~ exp(-2 tau sqrt(n)); ln mu_k ~ -k^(2/3).
      * ``"entire"``: entire of exponential type (sin, cos); mu_k ~ (q/2)^k / Gamma(k + d/2).
    """

    kind: str
    order: object = None  # kink order a (SymPy number) for kind == "kink"
    tau: object = None  # strip half-width for kind == "strip"

    def describe(self) -> str:
        if self.kind == "kink":
            return f"kink of order {self.order} at 0 (like x_+^{self.order})"
        if self.kind == "polynomial":
            return "polynomial (finite-rank kernel)"
        if self.kind == "geometric":
            return "analytic; dual kernel analytic beyond |u| = 1 (geometric Hermite decay)"
        if self.kind == "strip":
            width = f"|Im x| < {self.tau}" if self.tau is not None else "|Im x| < tau"
            return f"analytic in a strip {width} (stretched-exponential spectrum)"
        if self.kind == "entire":
            return "entire of exponential type (super-exponential spectrum)"
        return self.kind


@dataclass(frozen=True)
class Activation:
    """A scalar activation function s(x).

    Attributes:
        name: canonical name (``"relu"``, ``"relu^3/2"``, ``"leaky_relu:1/10"``, or the user text).
        expr: SymPy expression in :data:`x` (piecewise-free forms use Heaviside/Max where needed).
        family: which dual map applies (``"homogeneous"``, ``"erf"``, ``"sin"``, ``"cos"``,
            ``"polynomial"``, ``"numeric"``).
        degree: homogeneity degree a for the ``homogeneous`` family (else None).
        parity: ``"even"``, ``"odd"`` or None.
        smoothness: :class:`Smoothness`.
        params: extra parameters (e.g. ``slope`` of leaky ReLU, ``kind`` of the homogeneous map).
    """

    name: str
    expr: sympy.Expr
    family: str
    smoothness: Smoothness
    parity: str | None = None
    degree: object = None
    params: tuple = field(default_factory=tuple)

    def param(self, key, default=None):
        return dict(self.params).get(key, default)

    @property
    def has_derivative_kernel(self) -> bool:
        """Whether E[s'(z1) s'(z2)] is finite (needed to train any layer below the last)."""
        if self.family == "homogeneous" and self.param("kind") in ("power",):
            return sympy.Rational(self.degree) > sympy.Rational(1, 2)
        if self.family == "homogeneous" and self.param("kind") == "step":
            return False
        return True

    def __str__(self) -> str:
        return self.name


def _power(a) -> Activation:
    a = sympy.Rational(a)
    if a <= sympy.Rational(-1, 2):
        raise InvalidInput(f"activation relu^a needs a > -1/2 (else E[s(z)^2] is infinite): a = {a}")
    if a > 20:
        raise InvalidInput(f"activation relu^a needs a <= 20: a = {a}")
    if a == 0:
        return Activation("step", sympy.Heaviside(x, 0), "homogeneous", Smoothness("kink", a), None, a,
                          (("kind", "step"),))
    if a == 1:
        return Activation("relu", sympy.Max(x, 0), "homogeneous", Smoothness("kink", a), None, a,
                          (("kind", "power"),))
    return Activation(f"relu^{a}", sympy.Max(x, 0) ** a, "homogeneous", Smoothness("kink", a), None, a,
                      (("kind", "power"),))


def _leaky(slope) -> Activation:
    s = sympy.Rational(slope)
    if s == 1:
        return _NAMED["identity"]()
    return Activation(f"leaky_relu:{s}", sympy.Max(x, 0) + s * sympy.Min(x, 0), "homogeneous",
                      Smoothness("kink", sympy.Integer(1)), None, sympy.Integer(1),
                      (("kind", "leaky"), ("slope", s)))


def _sigmoid(z):
    return 1 / (1 + sympy.exp(-z))


def _gelu(z):
    return z * (1 + sympy.erf(z / sympy.sqrt(2))) / 2


_NAMED = {
    "relu": lambda: _power(1),
    "step": lambda: _power(0),
    "heaviside": lambda: _power(0),
    "relu2": lambda: _power(2),
    "relu3": lambda: _power(3),
    "abs": lambda: Activation("abs", sympy.Abs(x), "homogeneous", Smoothness("kink", sympy.Integer(1)),
                              "even", sympy.Integer(1), (("kind", "abs"),)),
    "identity": lambda: Activation("identity", x, "homogeneous", Smoothness("polynomial"), "odd",
                                   sympy.Integer(1), (("kind", "identity"),)),
    "erf": lambda: Activation("erf", sympy.erf(x), "erf", Smoothness("geometric"), "odd"),
    "sin": lambda: Activation("sin", sympy.sin(x), "sin", Smoothness("entire"), "odd"),
    "cos": lambda: Activation("cos", sympy.cos(x), "cos", Smoothness("entire"), "even"),
    "tanh": lambda: Activation("tanh", sympy.tanh(x), "numeric", Smoothness("strip", tau=sympy.pi / 2), "odd"),
    "sigmoid": lambda: Activation("sigmoid", _sigmoid(x), "numeric", Smoothness("strip", tau=sympy.pi)),
    "softplus": lambda: Activation("softplus", sympy.log(1 + sympy.exp(x)), "numeric",
                                   Smoothness("strip", tau=sympy.pi)),
    "silu": lambda: Activation("silu", x * _sigmoid(x), "numeric", Smoothness("strip", tau=sympy.pi)),
    "gelu": lambda: Activation("gelu", _gelu(x), "numeric", Smoothness("geometric")),
}

_POWER_RE = re.compile(r"^relu\s*(?:\^|\*\*)\s*\(?\s*(.+?)\s*\)?$")
_LEAKY_RE = re.compile(r"^leaky_relu(?:\s*[:=]\s*(.+))?$")


def available() -> list[str]:
    """Names of the registered activations (the relu^a and leaky_relu:SLOPE families included)."""
    return sorted(set(_NAMED) - {"heaviside"}) + ["relu^A", "leaky_relu:SLOPE"]


@lru_cache(maxsize=256)
def activation(spec) -> Activation:
    """Return the :class:`Activation` named by ``spec`` (a name, a family member or an expression).

    >>> activation("relu").degree
    1
    >>> activation("relu^3/2").name
    'relu^3/2'
    >>> activation("x**3 - x").parity
    'odd'
    >>> activation("__import__('os').system('true')")
    Traceback (most recent call last):
    ...
    asympt.core.errors.InvalidInput: activation: only the variable x (and pi) may appear, got a call to "__import__('os').system" (allowed functions: cos, erf, exp, gelu, sigmoid, silu, sin, softplus, tanh)
    """
    if isinstance(spec, Activation):
        return spec
    if not isinstance(spec, str):
        raise InvalidInput(f"activation must be a name or an expression in x: {spec!r}")
    text = spec.strip()
    if len(text) > 300:
        raise InvalidInput(f"activation text must be at most 300 characters: {len(text)} given")
    low = text.lower()
    if low in _NAMED:
        return _NAMED[low]()
    m = _POWER_RE.match(low)
    if m:
        return _power(parse_rational(m.group(1), "activation exponent a in relu^a"))
    m = _LEAKY_RE.match(low)
    if m:
        slope = parse_rational(m.group(1), "leaky_relu slope") if m.group(1) else sympy.Rational(1, 100)
        return _leaky(slope)
    expr = parse_expression(text)
    return _from_expression(text, expr)


# ----------------------------------------------------------------------------------------------
# Restricted parser
# ----------------------------------------------------------------------------------------------

_FUNCS = {
    "erf": sympy.erf,
    "tanh": sympy.tanh,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "exp": sympy.exp,
    "sigmoid": _sigmoid,
    "softplus": lambda z: sympy.log(1 + sympy.exp(z)),
    "gelu": _gelu,
    "silu": lambda z: z * _sigmoid(z),
}


ACTIVATION_GRAMMAR = Grammar("activation", names={"x": x, "pi": sympy.pi}, functions=_FUNCS, integer_powers=True,
                             max_exponent=_MAX_POWER, max_constant=_MAX_CONST, max_denominator=10**12,
                             max_nodes=_MAX_NODES, vocabulary="the variable x (and pi)",
                             syntax_message="activation is not a registered name nor a valid expression in x: {text}")


def parse_expression(text: str) -> sympy.Expr:
    """Parse ``text`` (an expression in x) into SymPy without evaluating any Python code.

    The one restricted parser of the project (:func:`asympt.core.parse.parse_restricted`) with the
    activation grammar: the variable x, pi, numbers, + - * / and integer powers, and the functions above.

    >>> parse_expression("erf(x) + 0.1*x")
    x/10 + erf(x)
    >>> parse_expression("x**1000")
    Traceback (most recent call last):
    ...
    asympt.core.errors.InvalidInput: activation: powers must be integers between -12 and 12, got 1000
    """
    return parse_restricted(text, ACTIVATION_GRAMMAR)


def _check_gaussian_growth(text: str, expr: sympy.Expr) -> None:
    """Refuse activations that grow like exp(c x^2), c >= 1/4, or faster (E[s(z)^2] = infinity).

    Restricted and safe: every exp(g) with g a polynomial in x is a candidate when g has degree > 2
    with a positive leading coefficient, or degree 2 with x^2-coefficient >= 1/4 (then s^2 exp(-x^2/2)
    does not decay); a candidate is refused when s(x)^2 exp(-x^2/2) is not below 1e-20 at x = +-40
    (mpmath, 30 digits), so that 1/(1 + exp(x**2)) stays accepted. exp of a non-polynomial argument
    that is unbounded (e.g. exp(exp(x))) is refused outright.
    """
    import mpmath

    candidate = False
    for e in expr.atoms(sympy.exp):
        arg = sympy.expand(e.args[0])
        if not arg.has(x):
            continue
        if not arg.is_polynomial(x):
            inner = {type(f) for f in arg.atoms(sympy.Function)}
            if not inner <= {sympy.sin, sympy.cos, sympy.tanh, sympy.erf}:
                candidate = True
            continue
        poly = sympy.Poly(arg, x)
        deg, lead = poly.degree(), poly.LC()
        if deg > 2 or (deg == 2 and lead >= sympy.Rational(1, 4)):
            candidate = True
    if not candidate:
        return
    f = sympy.lambdify(x, expr, modules="mpmath")
    with mpmath.workdps(30):
        for x0 in (40, -40):
            try:
                val = abs(f(mpmath.mpf(x0))) ** 2 * mpmath.exp(-mpmath.mpf(x0) ** 2 / 2)
            except (OverflowError, ZeroDivisionError, ValueError, TypeError):
                val = mpmath.inf
            if not val < mpmath.mpf("1e-20"):
                raise InvalidInput(f"activation grows like exp(c x^2) with c >= 1/4 (or faster): E[s(z)^2] is "
                                   f"infinite under the Gaussian, so no kernel exists: {text[:60]!r}")


def _from_expression(text: str, expr: sympy.Expr) -> Activation:
    if not expr.has(x):
        raise InvalidInput(f"activation must depend on x: {text!r}")
    if expr.has(sympy.zoo, sympy.oo, sympy.nan):
        raise InvalidInput(f"activation is not finite: {text!r}")
    _check_gaussian_growth(text, expr)
    # A rational function with a pole on the real line is not an activation.
    numer, denom = sympy.fraction(sympy.together(expr))
    if denom.has(x) and denom.is_polynomial(x):
        if sympy.Poly(denom, x).count_roots() > 0:
            raise InvalidInput(f"activation has a pole on the real line: {text!r}")
    parity = None
    if sympy.simplify(expr.subs(x, -x) - expr) == 0:
        parity = "even"
    elif sympy.simplify(expr.subs(x, -x) + expr) == 0:
        parity = "odd"
    if expr.is_polynomial(x):
        return Activation(text, sympy.expand(expr), "polynomial", Smoothness("polynomial"), parity)
    return Activation(text, expr, "numeric", _guess_smoothness(expr), parity)


def _guess_smoothness(expr) -> Smoothness:
    funcs = {type(f) for f in expr.atoms(sympy.Function)}
    if expr.has(sympy.exp) or sympy.log in funcs or any("tanh" in str(f) for f in funcs) or expr.has(sympy.Pow) and \
            any(p.exp.is_negative for p in expr.atoms(sympy.Pow) if p.base.has(x)):
        # poles of exp-rational combinations off the real axis: analytic in a strip
        return Smoothness("strip", tau=None)
    if funcs <= {sympy.sin, sympy.cos}:
        return Smoothness("entire")
    return Smoothness("geometric")


# ----------------------------------------------------------------------------------------------
# Parity split s = s_even + s_odd and its polynomial parts (theory section 7, parity caveat)
# ----------------------------------------------------------------------------------------------

_HALF = sympy.Rational(1, 2)
_SIMPLIFY_OPS = 120  # simplify is only tried on parity parts this small (it can explode on big trees)


def _known_parts(act: Activation):
    """Parity parts of the registry families, from their definitions (None: not a polynomial).

    x_+^a = |x|^a/2 + sign(x)|x|^a/2, so the even part is the polynomial x^a/2 for even integer a
    (a = 0: the constant 1/2) and the odd part is x^a/2 for odd integer a; leaky ReLU has odd part
    (1 + s) x/2; GELU x Phi(x), SiLU x sigmoid(x) and softplus log(1 + e^x) have odd part x/2
    (softplus(x) - softplus(-x) = x); sigmoid has even part 1/2 (sigmoid(x) + sigmoid(-x) = 1).
    """
    fam, kind = act.family, act.param("kind")
    if fam == "homogeneous":
        a = sympy.Rational(act.degree)
        if kind in ("power", "step"):
            if a.is_Integer:
                return ({0: x**a / 2, 1: None} if a % 2 == 0 else {0: None, 1: x**a / 2})
            return {0: None, 1: None}
        if kind == "leaky":
            return {0: None, 1: (1 + act.param("slope")) * x / 2}
        if kind == "abs":
            return {0: None, 1: sympy.S.Zero}
        if kind == "identity":
            return {0: sympy.S.Zero, 1: x}
    if act.name in ("gelu", "silu", "softplus"):
        return {0: None, 1: x / 2}
    if act.name == "sigmoid":
        return {0: _HALF, 1: None}
    return None


def _detect_polynomial(part) -> sympy.Expr | None:
    """``part`` as an expanded polynomial in x when SymPy proves it is one, else None."""
    expanded = sympy.expand(part)
    if expanded.is_polynomial(x):
        return expanded
    if sympy.count_ops(expanded) > _SIMPLIFY_OPS:
        return None
    try:
        simple = sympy.expand(sympy.simplify(expanded))
    except (ValueError, TypeError, NotImplementedError, RecursionError):
        return None
    return simple if simple.is_polynomial(x) is True else None


@lru_cache(maxsize=256)
def polynomial_parts(act: Activation) -> dict:
    """{0: even part, 1: odd part} of s(x), each a polynomial in x when it is one, else None.

    A polynomial part is certified exactly: from the definition for registry activations, and for
    expressions by SymPy proving (s(x) +- s(-x))/2 equal to a polynomial (expand, then simplify on
    small trees); None means "not a polynomial, or not proved to be one". A part that is 0 means the
    activation has definite parity. theory section 7: a polynomial parity part of degree m makes
    the same parity part of the 2-layer kernel (no bias) a polynomial of degree m.

    >>> polynomial_parts(activation("gelu"))[1]
    x/2
    >>> polynomial_parts(activation("sigmoid"))[0]
    1/2
    >>> polynomial_parts(activation("x**3 + tanh(x) + x**2"))
    {0: x**2, 1: None}
    """
    known = _known_parts(act)
    if known is not None:
        return {p: (sympy.expand(v) if v is not None else None) for p, v in known.items()}
    if act.family == "polynomial":
        f = sympy.expand(act.expr)
        even = sympy.expand((f + f.subs(x, -x)) / 2)
        return {0: even, 1: sympy.expand(f - even)}
    if act.parity == "odd":
        return {0: sympy.S.Zero, 1: _detect_polynomial(act.expr)}
    if act.parity == "even":
        return {0: _detect_polynomial(act.expr), 1: sympy.S.Zero}
    f, g = act.expr, act.expr.subs(x, -x)
    return {0: _detect_polynomial((f + g) / 2), 1: _detect_polynomial((f - g) / 2)}
