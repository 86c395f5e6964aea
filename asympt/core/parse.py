"""The project's one restricted parser: user text -> SymPy, node by node, never evaluated.

User strings never reach ``eval``, ``sympify`` or ``parse_expr``. :func:`parse_restricted` parses the
text with :mod:`ast` and builds the SymPy expression from an explicit whitelist, a :class:`Grammar`:
the names it knows (variables and constants), the one-argument functions it may call, and the rule
for powers. Everything else (attributes, subscripts, lambdas, strings, keywords, comparisons) is
refused with a one-line :class:`~asympt.core.errors.InvalidInput`.

Two grammars use it: activations in ``x`` (:mod:`asympt.kernels.activations`) and the scales of a
two-layer network, monomials in the width ``m`` (:func:`asympt.dynamics.regime.parse_scale`).

>>> import sympy
>>> m = sympy.Symbol("m", positive=True)
>>> g = Grammar("scale", names={"m": m}, functions={"sqrt": sympy.sqrt}, max_exponent=100)
>>> parse_restricted("2*m^(-1/2)", g, caret_is_power=True)
2/sqrt(m)
>>> parse_restricted("__import__('os')", g)
Traceback (most recent call last):
...
asympt.core.errors.InvalidInput: scale: only the names m may appear, got a call to '__import__' (allowed functions: sqrt)
"""

from __future__ import annotations

import ast
import re
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Mapping

import sympy

from .errors import InvalidInput

__all__ = ["Grammar", "parse_rational", "parse_restricted"]

#: Largest decimal exponent of a power of two numbers (2**100**100 would take SymPy forever).
_MAX_NUMERIC_POWER_DIGITS = 300


@dataclass(frozen=True)
class Grammar:
    """What :func:`parse_restricted` accepts.

    ``what`` starts every message ("activation: ..."); ``names`` maps the allowed identifiers to
    SymPy objects; ``functions`` the allowed one-argument calls. Powers: with ``integer_powers`` the
    exponent must be an integer of magnitude <= ``max_exponent``, otherwise any number of that
    magnitude; the exponent must be a number either way (no x**x). Constants have magnitude
    <= ``max_constant``; a decimal is read exactly, or to ``max_denominator`` when that is set.
    ``vocabulary`` names what may appear, for the messages (default: "the names a, b").
    ``syntax_message`` is the whole message for text that is not an expression at all.
    ``message``, when set, replaces the messages about the shape of the text (unknown names, calls,
    operators, syntax) by one fixed sentence, for grammars whose users need one description. Both may
    contain ``{text}``, replaced by the (shortened) text.
    """

    what: str
    names: Mapping[str, object] = field(default_factory=dict)
    functions: Mapping[str, Callable] = field(default_factory=dict)
    integer_powers: bool = False
    max_exponent: int = 12
    max_constant: float = 10**6
    max_denominator: int | None = None
    max_nodes: int = 200
    max_length: int = 1000
    vocabulary: str | None = None
    syntax_message: str | None = None
    message: str | None = None

    def fail(self, detail: str, text: str = "", *, shape: bool = True):
        """InvalidInput with this grammar's prefix (or its fixed ``message`` for shape errors)."""
        if shape and self.message:
            return InvalidInput(self.message.format(text=repr(text[:60])))
        return InvalidInput(f"{self.what}: {detail}")


def parse_restricted(text: str, grammar: Grammar, *, caret_is_power: bool = False) -> sympy.Expr:
    """Parse ``text`` under ``grammar`` into a SymPy expression without evaluating any Python code.

    ``caret_is_power`` reads ``^`` as ``**`` (for scales written m^(1/2)); otherwise ``^`` is refused
    as an operator.
    """
    g = grammar
    if not isinstance(text, str):
        raise g.fail(f"expected text, got {type(text).__name__}", shape=False)
    if len(text) > g.max_length:
        raise g.fail(f"text too long: {len(text)} characters (at most {g.max_length})", shape=False)
    if not text.isascii() or any(ord(ch) < 32 and ch not in " \t" for ch in text):
        names = ", ".join(sorted(g.names)) or "none"
        raise g.fail(f"only ASCII text is allowed (the names are Latin letters: {names}; no full-width or "
                     "mathematical letters, no control characters)", shape=False)
    if "#" in text or ";" in text:
        raise g.fail(f"comments and statements are not allowed: {text[:60]!r}", shape=False)
    if caret_is_power:
        text = text.replace("^", "**")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError):  # ValueError: an integer literal beyond Python's digit limit
        if g.syntax_message and not g.message:
            raise InvalidInput(g.syntax_message.format(text=repr(text[:60]))) from None
        raise g.fail(f"not a valid expression: {text[:60]!r}", text) from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > g.max_nodes:
        raise g.fail(f"expression too large: {nodes} nodes (at most {g.max_nodes})", shape=False)
    return _Builder(g, text).build(tree.body)


class _Builder:
    def __init__(self, grammar: Grammar, text: str):
        self.g = grammar
        self.text = text

    def names_text(self):
        return self.g.vocabulary or ("the names " + (", ".join(sorted(self.g.names)) or "none"))

    def build(self, node) -> sympy.Expr:
        g = self.g
        if isinstance(node, ast.Name):
            if node.id in g.names:
                return g.names[node.id]
            raise g.fail(f"unknown name {node.id!r}; only {self.names_text()} may appear", self.text)
        if isinstance(node, ast.Constant):
            return self.constant(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.build(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in g.functions:
                shown = ast.unparse(node.func)[:40]
                raise g.fail(f"only {self.names_text()} may appear, got a call to {shown!r} "
                             f"(allowed functions: {', '.join(sorted(g.functions)) or 'none'})", self.text)
            if len(node.args) != 1 or node.keywords:
                raise g.fail(f"{name}() takes exactly one argument", self.text)
            return g.functions[name](self.build(node.args[0]))
        raise g.fail(f"syntax {type(node).__name__} is not allowed in an expression", self.text)

    def constant(self, value) -> sympy.Expr:
        g = self.g
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise g.fail(f"only numeric constants are allowed, got {value!r}", self.text)
        if not math.isfinite(value) or abs(value) > g.max_constant:
            raise g.fail(f"constants must have magnitude <= {g.max_constant}, got {value!r}", shape=False)
        if isinstance(value, int):
            return sympy.Integer(value)
        f = Fraction(repr(value))
        if g.max_denominator is not None:
            f = f.limit_denominator(g.max_denominator)
        return sympy.Rational(f.numerator, f.denominator)

    def binop(self, node) -> sympy.Expr:
        g = self.g
        ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
        if type(node.op) not in ops:
            raise g.fail(f"operator {type(node.op).__name__} is not allowed (use + - * / **)", self.text)
        left, right = self.build(node.left), self.build(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise g.fail("division by zero", shape=False)
            return left / right
        return self.power(left, right)

    def power(self, base, exponent) -> sympy.Expr:
        g = self.g
        if g.integer_powers:
            if not exponent.is_Integer or abs(int(exponent)) > g.max_exponent:
                raise g.fail(f"powers must be integers between -{g.max_exponent} and {g.max_exponent}, "
                             f"got {exponent}", shape=False)
        else:
            if not exponent.is_number or not exponent.is_real:
                raise g.fail(f"exponents must be numbers, got {exponent}", self.text)
            if abs(exponent) > g.max_exponent:
                raise g.fail(f"exponents must be at most {g.max_exponent} in size, got {exponent}", shape=False)
        if base.is_number and base != 0:
            digits = abs(float(exponent)) * abs(math.log10(abs(complex(sympy.N(base, 15)))))
            if digits > _MAX_NUMERIC_POWER_DIGITS:
                raise g.fail(f"a power of numbers must stay below 10^{_MAX_NUMERIC_POWER_DIGITS}", shape=False)
        return base ** exponent


_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_FRACTION_RE = re.compile(r"^[+-]?\d+\s*/\s*[+-]?\d+$")
_MAX_DIGITS = 60  # significant digits of a typed number
_MAX_EXP10 = 30  # |decimal exponent| of a typed number
_MAX_RATIONAL = 10**6  # magnitude of a typed number (the activation constants share this bound)


def parse_rational(text: str, what: str) -> sympy.Rational:
    """Parse a decimal (``0.5``, ``1e-3``) or ``p/q`` string into an exact SymPy Rational (no eval).

    The size is bounded from the text alone, before any big integer is built: at most 60 digits
    and decimal exponents within +-30 (``1e1000000000`` would otherwise build a billion-digit integer).

    >>> parse_rational("3/2", "a"), parse_rational("-1.25e-1", "a")
    (3/2, -1/8)
    >>> parse_rational("1e1000000000", "a")
    Traceback (most recent call last):
    ...
    asympt.core.errors.InvalidInput: a must be a number of at most 60 digits with exponent within +-30: '1e1000000000'
    """
    text = str(text).strip()
    shown = text if len(text) <= 40 else text[:37] + "..."
    if not (_NUMBER_RE.match(text) or _FRACTION_RE.match(text)):
        raise InvalidInput(f"{what} must be a finite number such as 0.5 or 3/2: {shown!r}")
    mantissa, _, exp = text.lower().partition("e")
    ndigits = sum(ch.isdigit() for ch in mantissa)
    try:
        exp_ok = not exp or abs(int(exp)) <= _MAX_EXP10 if len(exp) <= 6 else False
    except ValueError:
        exp_ok = False
    if ndigits > _MAX_DIGITS or not exp_ok:
        raise InvalidInput(f"{what} must be a number of at most {_MAX_DIGITS} digits with exponent within "
                           f"+-{_MAX_EXP10}: {shown!r}")
    try:
        if "/" in text:
            p, q = text.split("/")
            value = Fraction(int(p), int(q))
        else:
            value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise InvalidInput(f"{what} must be a number such as 0.5 or 3/2: {shown!r}") from None
    if abs(value) > _MAX_RATIONAL:
        raise InvalidInput(f"{what} must have magnitude <= {_MAX_RATIONAL}: {shown!r}")
    return sympy.Rational(value.numerator, value.denominator)
