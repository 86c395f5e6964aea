"""The text form of a target: :func:`parse_target`.

``neuron``, ``neuron:NAME``, ``halfspace``, ``cap:THETA0``, ``sobolev:S[:T]``, ``harmonic:K[,K2,...]``,
``powerlaw:BETA``, ``rkhs:R[:BASE]``. Text is split and matched with regular expressions, never evaluated;
every number is bounded from its text (digits and decimal exponent) before it is converted, so that
``sobolev:1e1000000000`` is refused at once instead of building a billion-digit integer.
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy

from asympt.core.errors import InvalidInput
from asympt.kernels.activations import activation

from .base import _MAX_DEGREE, Target
from .cap import Cap
from .neuron import Neuron
from .spectra import RKHS, Harmonic, PowerLaw, Sobolev

__all__ = ["parse_target"]

_CLASSES = "neuron, halfspace, cap:THETA0, sobolev:S, harmonic:K, powerlaw:BETA, rkhs:R"
_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_ANGLE_PI = re.compile(rf"^(?:(?P<c>{_NUM})\s*\*?\s*)?(?:pi|π)(?:\s*/\s*(?P<q>{_NUM}))?$")
_ANGLE_NUM = re.compile(rf"^(?P<p>{_NUM})(?:\s*/\s*(?P<q>{_NUM}))?$")
_MAX_PARAM = 10**6
_MAX_DIGITS = 60  # digits of one typed number (the same bounds as asympt.kernels.activations)
_MAX_EXP10 = 30  # |decimal exponent| of one typed number


def _fraction(text: str, what: str, rule: str) -> Fraction:
    """Fraction of one decimal literal matched by ``_NUM``, its size bounded from the text first.

    ``Fraction('1e1000000000')`` would build a billion-digit integer; a literal with more than 60 digits
    or a decimal exponent beyond +-30 is refused before any conversion.

    >>> _fraction("2.5e-3", "x", "x > 0")
    Fraction(1, 400)
    >>> _fraction("1e1000000000", "sobolev:S", "S > 0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    asympt.core.errors.InvalidInput: target: sobolev:S must be a number of at most 60 digits with a decimal exponent within +-30 ...
    """
    mantissa, _, exp = text.lower().partition("e")
    exp = exp.lstrip("+-").lstrip("0")
    if sum(ch.isdigit() for ch in mantissa) > _MAX_DIGITS or len(exp) > 4 or (exp and int(exp) > _MAX_EXP10):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise InvalidInput(f"target: {what} must be a number of at most {_MAX_DIGITS} digits with a decimal "
                           f"exponent within +-{_MAX_EXP10} ({rule}): {shown!r}")
    return Fraction(text)


def _number(text: str, what: str, rule: str) -> sympy.Rational:
    """Parse 'N', 'N.M', '1e-3' or 'P/Q' into an exact Rational (Fraction; no eval)."""
    m = _ANGLE_NUM.match(text.strip())
    if not m:
        raise InvalidInput(f"target: {what} must be a number such as 2, 0.5 or 3/2 ({rule}): {text!r}")
    value = _fraction(m.group("p"), what, rule)
    if m.group("q") is not None:
        den = _fraction(m.group("q"), what, rule)
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
        c = _fraction(m.group("c"), "cap:THETA0", rule) if m.group("c") else Fraction(1)
        q = _fraction(m.group("q"), "cap:THETA0", rule) if m.group("q") else Fraction(1)
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
